// Client for MoySklad Phone API 1.0 (call log + pop-up call cards). Auth is the customer's
// telephony "access key" in `Lognex-Phone-Auth-Token` (no Bearer/Basic).
import { z } from 'zod';
import { BadResponseError, NotFoundError } from '../errors.ts';
import type { GateLane } from '../gate.ts';
import { toMoscowWire } from '../time.ts';
import { Transport, type CommonClientOptions, type HttpMethod, type QueryValue } from '../transport.ts';
import {
  CALL_EVENT_TYPES,
  callSchema,
  employeesResponseSchema,
  type CallEvent,
  type CallPatch,
  type NewCall,
  type PhoneCall,
  type PhoneEmployee,
} from './types.ts';

export const DEFAULT_PHONE_API_BASE_URL = 'https://api.moysklad.ru/api/phone/1.0';

export interface PhoneApiClientOptions extends CommonClientOptions {
  /** The telephony solution's access key ("Ключ доступа"). */
  token: string;
  baseUrl?: string;
}

export interface PhoneCallOptions {
  lane?: GateLane;
  signal?: AbortSignal;
  timeoutMs?: number;
}

function checkEvent(ev: CallEvent): CallEvent {
  if (!(CALL_EVENT_TYPES as readonly string[]).includes(ev.eventType)) throw new RangeError(`unknown eventType ${ev.eventType}`);
  if (!Number.isSafeInteger(ev.sequence) || ev.sequence < 0) throw new RangeError('event sequence must be a non-negative integer');
  if (ev.eventType !== 'HIDE_ALL' && !ev.extension) throw new RangeError(`${ev.eventType} needs an extension`);
  return ev;
}

function checkDuration(ms: number | undefined): void {
  if (ms !== undefined && (!Number.isSafeInteger(ms) || ms < 0)) throw new RangeError('durationMs must be a non-negative integer (milliseconds)');
}

function patchBody(p: CallPatch): Record<string, unknown> {
  checkDuration(p.durationMs);
  return {
    ...(p.extension !== undefined ? { extension: p.extension } : {}),
    ...(p.employee ? { employee: p.employee } : {}),
    ...(p.endTime !== undefined ? { endTime: toMoscowWire(p.endTime) } : {}),
    ...(p.durationMs !== undefined ? { duration: p.durationMs } : {}),
    ...(p.recordUrl ? { recordUrl: [...p.recordUrl] } : {}),
    ...(p.comment !== undefined ? { comment: p.comment === null ? null : p.comment.slice(0, 4096) } : {}),
    ...(p.events?.length ? { events: p.events.map(checkEvent) } : {}),
  };
}

function pathSegment(value: string, what: string): string {
  if (!value) throw new RangeError(`${what} is empty`);
  return encodeURIComponent(value);
}

export class PhoneApiClient {
  readonly baseUrl: string;
  private readonly transport: Transport;

  constructor(opts: PhoneApiClientOptions) {
    const token = opts.token;
    this.transport = new Transport({
      ...opts,
      api: 'phone',
      baseUrl: opts.baseUrl ?? DEFAULT_PHONE_API_BASE_URL,
      weight: 1,
      authHeaders: () => ({ 'Lognex-Phone-Auth-Token': token }),
      // Phone API budget is 100 requests per 5 s window.
      defaultRetryAfterMs: 5000,
    });
    this.baseUrl = this.transport.baseUrl;
  }

  private async send(method: HttpMethod, path: string, opts: PhoneCallOptions & { body?: unknown; query?: Record<string, QueryValue> }) {
    return this.transport.request({
      method,
      path,
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(opts.query ? { query: opts.query } : {}),
      ...(opts.lane ? { lane: opts.lane } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
  }

  private parseCall(body: unknown, what: string): PhoneCall {
    const r = callSchema.safeParse(body);
    if (!r.success) throw new BadResponseError(what, r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return r.data;
  }

  /** POST /call. Not idempotent: a resend creates a second call — probe with `findByExternalId` first. */
  async createCall(call: NewCall, opts: PhoneCallOptions = {}): Promise<PhoneCall> {
    checkDuration(call.durationMs);
    if (typeof call.isIncoming !== 'boolean') throw new RangeError('isIncoming must be a boolean');
    if (!call.externalId || !call.number) throw new RangeError('externalId and number are required');
    const body: Record<string, unknown> = {
      externalId: call.externalId,
      number: call.number,
      isIncoming: call.isIncoming,
      startTime: toMoscowWire(call.startTime),
      ...(call.counterparty ? { counterparty: call.counterparty } : {}),
      ...patchBody({
        ...(call.extension !== undefined ? { extension: call.extension } : {}),
        ...(call.employee ? { employee: call.employee } : {}),
        ...(call.endTime !== undefined ? { endTime: call.endTime } : {}),
        ...(call.durationMs !== undefined ? { durationMs: call.durationMs } : {}),
        ...(call.recordUrl ? { recordUrl: call.recordUrl } : {}),
        ...(call.comment !== undefined ? { comment: call.comment } : {}),
        ...(call.events ? { events: call.events } : {}),
      }),
    };
    const res = await this.send('POST', '/call', { ...opts, body });
    return this.parseCall(res.body, 'POST /call');
  }

  async getCall(id: string, opts: PhoneCallOptions = {}): Promise<PhoneCall> {
    const res = await this.send('GET', `/call/${pathSegment(id, 'call id')}`, opts);
    return this.parseCall(res.body, 'GET /call/{id}');
  }

  async updateCall(id: string, patch: CallPatch, opts: PhoneCallOptions = {}): Promise<PhoneCall> {
    const res = await this.send('PUT', `/call/${pathSegment(id, 'call id')}`, { ...opts, body: patchBody(patch) });
    return this.parseCall(res.body, 'PUT /call/{id}');
  }

  /** PUT /call/extid/{externalId}; throws NotFoundError when MoySklad has no such call. */
  async updateCallByExternalId(externalId: string, patch: CallPatch, opts: PhoneCallOptions = {}): Promise<PhoneCall> {
    const res = await this.send('PUT', `/call/extid/${pathSegment(externalId, 'externalId')}`, { ...opts, body: patchBody(patch) });
    return this.parseCall(res.body, 'PUT /call/extid/{extid}');
  }

  /**
   * Does MoySklad already have a call with this externalId? The API has no GET by externalId, so we
   * PUT the documented no-op `{comment: null}` ("null = leave unchanged"): 404 → null, else the call.
   * Used before re-sending a create whose outcome is unknown.
   */
  async findByExternalId(externalId: string, opts: PhoneCallOptions = {}): Promise<PhoneCall | null> {
    try {
      return await this.updateCallByExternalId(externalId, { comment: null }, opts);
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  /** POST /call/{id}/event → 204. */
  async sendEvent(callId: string, event: CallEvent, opts: PhoneCallOptions = {}): Promise<void> {
    await this.send('POST', `/call/${pathSegment(callId, 'call id')}/event`, { ...opts, body: checkEvent(event) });
  }

  /** POST /call/extid/{externalId}/event → 204. */
  async sendEventByExternalId(externalId: string, event: CallEvent, opts: PhoneCallOptions = {}): Promise<void> {
    await this.send('POST', `/call/extid/${pathSegment(externalId, 'externalId')}/event`, { ...opts, body: checkEvent(event) });
  }

  /**
   * GET /employee — employees that have an extension. `extension` filters exactly
   * (`filter=extention=…`, MoySklad's spelling). Also a cheap "is the key valid" probe.
   */
  async listEmployees(opts: PhoneCallOptions & { extension?: string } = {}): Promise<PhoneEmployee[]> {
    const query = opts.extension !== undefined ? { filter: `extention=${opts.extension.replace(/;/g, '\\;')}` } : undefined;
    const res = await this.send('GET', '/employee', { ...opts, ...(query ? { query } : {}) });
    const r = employeesResponseSchema.safeParse(res.body);
    if (!r.success) throw new BadResponseError('GET /employee', z.prettifyError(r.error));
    return r.data.employees.map((e) => {
      const path = e.meta.href.split('?')[0] ?? '';
      return { employeeId: path.slice(path.lastIndexOf('/') + 1), href: e.meta.href, extension: e.extention ?? null };
    });
  }

  async findEmployeeByExtension(extension: string, opts: PhoneCallOptions = {}): Promise<PhoneEmployee | null> {
    const list = await this.listEmployees({ ...opts, extension });
    return list.find((e) => e.extension === extension) ?? list[0] ?? null;
  }
}
