// UIS call events for tests: every list empty, the rest from `extra`.
import type { UisCallEvent } from '../../src/uis/index.ts';

export function uisEvent(callSessionId: string, kind: UisCallEvent['kind'], occurredAt: string, extra: Partial<UisCallEvent> = {}): UisCallEvent {
  return { kind, callSessionId, occurredAt, employeeIds: [], legIds: [], tagIds: [], tagNames: [], attributes: [], ...extra };
}

/** An event of an incoming call from 79161234567 that started 2026-11-29 12:00:00 UTC, `sec` seconds in. */
export function incomingEvent(callSessionId: string, kind: UisCallEvent['kind'], sec: number, extra: Partial<UisCallEvent> = {}): UisCallEvent {
  return uisEvent(callSessionId, kind, new Date(Date.UTC(2026, 10, 29, 12, 0, sec)).toISOString(), {
    startedAt: new Date(Date.UTC(2026, 10, 29, 12, 0, 0)).toISOString(),
    direction: 'in',
    contactPhoneNumber: '79161234567',
    ...extra,
  });
}
