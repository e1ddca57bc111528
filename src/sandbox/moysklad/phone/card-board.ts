// What each employee sees: the call cards ("нотификации") driven by SHOW / STARTTIME / HIDE / HIDE_ALL.
// The docs say nothing about `sequence` beyond "порядковый номер"; we treat an event whose sequence
// is lower than one already applied to the same card (or to the call's HIDE_ALL) as stale and drop
// it, recording why, so tests can see reordering. Equal sequences are accepted (3P clients send 1
// for everything).
import { EventEmitter } from 'node:events';
import type { CardEventType } from './call-input.ts';
import { stampNow, type Stamp } from './port.ts';

export interface CardCallInfo {
  callId: string;
  externalId: string;
  number: string;
  isIncoming: boolean;
  counterpartyName?: string;
}

export interface VisibleCard extends CardCallInfo {
  /** Card key: the employee id when the extension/meta resolves to one, else `ext:<extension>`. */
  target: string;
  employeeId?: string;
  extension?: string;
  state: 'ringing' | 'talking';
  shownAt: Stamp;
  timerStartedAt?: Stamp;
  lastSequence: number;
}

export type CardEventVia = 'POST /call' | 'PUT /call/{id}' | 'PUT /call/extid/{extid}' | 'POST /call/{id}/event' | 'POST /call/extid/{extid}/event';

export interface CardEventRecord {
  /** Global order of arrival inside this board. */
  n: number;
  accountId: string;
  callId: string;
  externalId: string;
  eventType: CardEventType;
  extension?: string;
  sequence: number;
  employeeId?: string;
  /** Keys of the cards the event touched (HIDE_ALL: every card of the call). */
  targets: string[];
  applied: boolean;
  reason?: 'stale-sequence' | 'no-card';
  via: CardEventVia;
  /** When the HTTP request carrying the event arrived (both clocks). */
  receivedAt: Stamp;
  appliedAt: Stamp;
}

export interface CardEventIn {
  eventType: CardEventType;
  extension?: string;
  sequence: number;
  /** Already resolved (meta beats extension); undefined when nobody has that extension. */
  employeeId?: string;
}

const keyOf = (employeeId: string | undefined, extension: string | undefined): string =>
  employeeId ?? `ext:${extension ?? ''}`;

export class CardBoard {
  private readonly cards = new Map<string, Map<string, Map<string, VisibleCard>>>(); // account → target → call → card
  private readonly lastSeq = new Map<string, number>(); // `${callId}|${target}` → sequence
  private readonly hideAllSeq = new Map<string, number>(); // callId → sequence
  private readonly history: CardEventRecord[] = [];
  private counter = 0;
  readonly events = new EventEmitter();

  apply(accountId: string, call: CardCallInfo, e: CardEventIn, via: CardEventVia, receivedAt: Stamp): CardEventRecord {
    const appliedAt = stampNow();
    const base = {
      n: ++this.counter,
      accountId,
      callId: call.callId,
      externalId: call.externalId,
      eventType: e.eventType,
      sequence: e.sequence,
      via,
      receivedAt,
      appliedAt,
    };
    const record: CardEventRecord =
      e.eventType === 'HIDE_ALL' ? this.hideAll(accountId, call, e, base) : this.one(accountId, call, e, base);
    if (e.extension !== undefined) record.extension = e.extension;
    if (e.employeeId !== undefined) record.employeeId = e.employeeId;
    this.history.push(record);
    this.events.emit('event', record);
    return record;
  }

  private accountCards(accountId: string): Map<string, Map<string, VisibleCard>> {
    let m = this.cards.get(accountId);
    if (!m) this.cards.set(accountId, (m = new Map()));
    return m;
  }

  private hideAll(
    accountId: string,
    call: CardCallInfo,
    e: CardEventIn,
    base: Omit<CardEventRecord, 'targets' | 'applied'>,
  ): CardEventRecord {
    const prev = this.hideAllSeq.get(call.callId);
    if (prev !== undefined && e.sequence < prev) return { ...base, targets: [], applied: false, reason: 'stale-sequence' };
    this.hideAllSeq.set(call.callId, e.sequence);
    const targets: string[] = [];
    for (const [target, byCall] of this.accountCards(accountId)) {
      if (byCall.delete(call.callId)) targets.push(target);
    }
    return { ...base, targets, applied: true };
  }

  private one(
    accountId: string,
    call: CardCallInfo,
    e: CardEventIn,
    base: Omit<CardEventRecord, 'targets' | 'applied'>,
  ): CardEventRecord {
    const target = keyOf(e.employeeId, e.extension);
    const seqKey = `${call.callId}|${target}`;
    const last = this.lastSeq.get(seqKey);
    const hiddenAll = this.hideAllSeq.get(call.callId);
    if ((last !== undefined && e.sequence < last) || (hiddenAll !== undefined && e.sequence < hiddenAll)) {
      return { ...base, targets: [target], applied: false, reason: 'stale-sequence' };
    }
    this.lastSeq.set(seqKey, e.sequence);
    const all = this.accountCards(accountId);
    let byCall = all.get(target);
    if (!byCall) all.set(target, (byCall = new Map()));
    const existing = byCall.get(call.callId);
    if (e.eventType === 'HIDE') {
      const had = byCall.delete(call.callId);
      return had ? { ...base, targets: [target], applied: true } : { ...base, targets: [target], applied: true, reason: 'no-card' };
    }
    const card: VisibleCard = existing ?? {
      ...call,
      target,
      state: 'ringing',
      shownAt: base.receivedAt,
      lastSequence: e.sequence,
    };
    if (e.employeeId !== undefined) card.employeeId = e.employeeId;
    if (e.extension !== undefined) card.extension = e.extension;
    card.lastSequence = e.sequence;
    // [INF] STARTTIME on a card that was never shown still shows it, with the timer running.
    if (e.eventType === 'STARTTIME' && card.state !== 'talking') {
      card.state = 'talking';
      card.timerStartedAt = base.receivedAt;
    }
    byCall.set(call.callId, card);
    return { ...base, targets: [target], applied: true };
  }

  /** Cards currently visible under one key (employee id or `ext:<n>`), oldest first. */
  visible(accountId: string, target: string): VisibleCard[] {
    const byCall = this.cards.get(accountId)?.get(target);
    return byCall ? [...byCall.values()].map((c) => ({ ...c })) : [];
  }

  /** Every key that has at least one visible card. */
  targets(accountId: string): string[] {
    const all = this.cards.get(accountId);
    return all ? [...all].filter(([, m]) => m.size > 0).map(([t]) => t) : [];
  }

  historyFor(accountId: string, target?: string): CardEventRecord[] {
    return this.history.filter((r) => r.accountId === accountId && (target === undefined || r.targets.includes(target)));
  }

  clear(accountId?: string): void {
    if (accountId === undefined) {
      this.cards.clear();
      this.history.length = 0;
      this.lastSeq.clear();
      this.hideAllSeq.clear();
      return;
    }
    this.cards.delete(accountId);
    for (let i = this.history.length - 1; i >= 0; i--) if (this.history[i]!.accountId === accountId) this.history.splice(i, 1);
  }
}
