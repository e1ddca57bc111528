// The emulator's behaviour, free of HTTP: create/update calls, route card events, render JSON.
// All lookups and validations run before the first mutation, so a rejected request changes nothing.
import { CardBoard, type CardEventIn, type CardEventRecord, type CardEventVia } from './card-board.ts';
import type { CardEventInput, CreateCallInput, MetaRef, UpdateCallInput } from './call-input.ts';
import { CallStore, type LinkedCounterparty, type LinkedEmployee, type StoredCall } from './call-store.ts';
import { PhoneApiError, msError, notFound } from './errors.ts';
import { formatMoment } from './moment.ts';
import type { PhoneDirectory, PhoneEmployee, Stamp } from './port.ts';

const badHref = (field: string): PhoneApiError =>
  new PhoneApiError(400, [msError(2013, `Ошибка формата: неправильное значение href для meta поля '${field}'`, field)]);

const metaOf = (href: string, type: string) => ({ href, type, mediaType: 'application/json' });

export type CallLocator = { id: string } | { externalId: string };

export class PhoneState {
  readonly calls = new CallStore();
  readonly board = new CardBoard();

  constructor(readonly directory: PhoneDirectory) {}

  private linkEmployee(e: PhoneEmployee): LinkedEmployee {
    const out: LinkedEmployee = { id: e.id, href: e.href, name: e.name };
    if (e.extension !== undefined) out.extension = e.extension;
    return out;
  }

  employeeByExtension(accountId: string, extension: string): PhoneEmployee | undefined {
    return this.directory.employees(accountId).find((e) => e.extension === extension);
  }

  employeeById(accountId: string, id: string): PhoneEmployee | undefined {
    return this.directory.employees(accountId).find((e) => e.id === id);
  }

  private resolveEmployeeMeta(accountId: string, ref: MetaRef, field: string): LinkedEmployee {
    const e = this.employeeById(accountId, ref.id);
    if (!e) throw badHref(field);
    return this.linkEmployee(e);
  }

  private resolveCounterparty(accountId: string, ref: MetaRef | undefined, number: string): LinkedCounterparty | undefined {
    // counterparty beats number; without it MoySklad finds the counterparty by the number itself.
    const cp = ref ? this.directory.counterpartyById(accountId, ref.id) : this.directory.counterpartyByPhone(accountId, number);
    if (ref && !cp) throw badHref('counterparty');
    if (!cp) return undefined;
    const out: LinkedCounterparty = { id: cp.id, href: cp.href, name: cp.name };
    const owner = cp.ownerId !== undefined ? this.employeeById(accountId, cp.ownerId) : undefined;
    if (owner) out.owner = this.linkEmployee(owner);
    return out;
  }

  private resolveEvents(accountId: string, events: CardEventInput[]): CardEventIn[] {
    return events.map((e) => {
      const out: CardEventIn = { eventType: e.eventType, sequence: e.sequence };
      if (e.extension !== undefined) out.extension = e.extension;
      // employee meta beats extension for choosing whose card it is.
      const employee = e.employee
        ? this.resolveEmployeeMeta(accountId, e.employee, 'employee')
        : e.extension !== undefined
          ? this.employeeByExtension(accountId, e.extension)
          : undefined;
      if (employee && e.eventType !== 'HIDE_ALL') out.employeeId = employee.id;
      return out;
    });
  }

  createCall(accountId: string, input: CreateCallInput, receivedAt: Stamp): StoredCall {
    const counterparty = this.resolveCounterparty(accountId, input.counterparty, input.number);
    const employee = input.employee ? this.resolveEmployeeMeta(accountId, input.employee, 'employee') : undefined;
    const events = this.resolveEvents(accountId, input.events);
    const call = this.calls.add({
      accountId,
      externalId: input.externalId,
      number: input.number,
      isIncoming: input.isIncoming,
      startTime: input.startTime,
      recordUrl: [],
      createdAt: receivedAt,
      writes: [],
      ...(counterparty ? { counterparty } : {}),
    });
    this.applyUpdate(call, input, employee, 'POST /call', receivedAt);
    this.applyEvents(call, events, 'POST /call', receivedAt);
    return call;
  }

  find(accountId: string, loc: CallLocator): StoredCall {
    const call = 'id' in loc ? this.calls.byId(accountId, loc.id) : this.calls.byExternalId(accountId, loc.externalId);
    if (!call) throw notFound('call', 'id' in loc ? loc.id : loc.externalId);
    return call;
  }

  updateCall(accountId: string, loc: CallLocator, input: UpdateCallInput, receivedAt: Stamp): StoredCall {
    const call = this.find(accountId, loc);
    const employee = input.employee ? this.resolveEmployeeMeta(accountId, input.employee, 'employee') : undefined;
    const events = this.resolveEvents(accountId, input.events);
    const via = 'id' in loc ? 'PUT /call/{id}' : 'PUT /call/extid/{extid}';
    this.applyUpdate(call, input, employee, via, receivedAt);
    this.applyEvents(call, events, via, receivedAt);
    return call;
  }

  postEvent(accountId: string, loc: CallLocator, event: CardEventInput, receivedAt: Stamp): CardEventRecord[] {
    const call = this.find(accountId, loc);
    const events = this.resolveEvents(accountId, [event]);
    return this.applyEvents(call, events, 'id' in loc ? 'POST /call/{id}/event' : 'POST /call/extid/{extid}/event', receivedAt);
  }

  private applyUpdate(
    call: StoredCall,
    input: UpdateCallInput,
    employee: LinkedEmployee | undefined,
    via: string,
    at: Stamp,
  ): void {
    const applied: string[] = [];
    const ignored: string[] = [];
    const setOnce = (field: string, isSet: boolean, set: () => void): void => {
      if (isSet) ignored.push(field);
      else {
        set();
        applied.push(field);
      }
    };
    if (input.extension !== undefined) setOnce('extension', call.extension !== undefined, () => (call.extension = input.extension));
    // employee beats extension; without an explicit employee, a newly set extension links its owner.
    if (input.employee !== undefined) setOnce('employee', call.employee !== undefined, () => (call.employee = employee));
    else if (applied.includes('extension') && call.employee === undefined) {
      const owner = this.employeeByExtension(call.accountId, input.extension!);
      if (owner) call.employee = this.linkEmployee(owner);
    }
    // endTime beats duration; each derives the other so both count as "set" afterwards.
    if (input.endTime !== undefined) {
      setOnce('endTime', call.endTime !== undefined, () => {
        call.endTime = input.endTime;
        call.duration ??= Math.max(0, input.endTime! - call.startTime);
      });
    } else if (input.duration !== undefined) {
      setOnce('duration', call.duration !== undefined, () => {
        call.duration = input.duration;
        call.endTime ??= call.startTime + input.duration!;
      });
    }
    if (input.recordUrl !== undefined && input.recordUrl.length > 0) {
      call.recordUrl.push(...input.recordUrl);
      applied.push('recordUrl');
    }
    if (input.comment !== undefined) {
      call.comment = input.comment;
      applied.push('comment');
    }
    call.writes.push({ at, via, applied, ignored });
  }

  private applyEvents(call: StoredCall, events: CardEventIn[], via: CardEventVia, receivedAt: Stamp): CardEventRecord[] {
    const info = {
      callId: call.id,
      externalId: call.externalId,
      number: call.number,
      isIncoming: call.isIncoming,
      ...(call.counterparty?.name !== undefined ? { counterpartyName: call.counterparty.name } : {}),
    };
    return events.map((e) => this.board.apply(call.accountId, info, e, via, receivedAt));
  }

  /** Card key for "employee X": an employee id, or an extension that resolves to one. */
  targetFor(accountId: string, who: string): string {
    if (who.startsWith('ext:')) return who;
    if (this.employeeById(accountId, who)) return who;
    return this.employeeByExtension(accountId, who)?.id ?? `ext:${who}`;
  }

  toJson(call: StoredCall, phoneBase: string, withMillis: boolean): Record<string, unknown> {
    const json: Record<string, unknown> = {
      meta: metaOf(`${phoneBase}/call/${call.id}`, 'call'),
      id: call.id,
      externalId: call.externalId,
      number: call.number,
    };
    if (call.counterparty) {
      json.counterparty = metaOf(call.counterparty.href, 'counterparty');
      const owner = call.counterparty.owner;
      if (owner) {
        json.counterpartyowner = {
          ...(owner.extension !== undefined ? { extention: owner.extension } : {}),
          meta: metaOf(owner.href, 'employee'),
        };
      }
    }
    if (call.extension !== undefined) json.extension = call.extension;
    if (call.comment !== undefined) json.comment = call.comment;
    if (call.employee) json.employee = metaOf(call.employee.href, 'employee');
    json.isIncoming = call.isIncoming;
    json.startTime = formatMoment(call.startTime, withMillis);
    // The official create example shows these as null / [] rather than omitted.
    json.endTime = call.endTime !== undefined ? formatMoment(call.endTime, withMillis) : null;
    json.duration = call.duration ?? null;
    json.recordUrl = [...call.recordUrl];
    return json;
  }
}
