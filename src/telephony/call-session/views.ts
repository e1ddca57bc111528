// Read-side helpers for downstream (the MoySklad reconciler): small questions over a CallSession.
import type { CallOutcome, CallSession, CallSessionEmployee, LegStatus } from './call-session.ts';

export function legStatuses(session: CallSession): ReadonlyMap<string, LegStatus> {
  return new Map(session.employees.map((e) => [e.key, e.status]));
}

export function callOutcome(session: CallSession): CallOutcome {
  return session.outcome;
}

export function isFinished(session: CallSession): boolean {
  return session.finished;
}

export function isInternal(session: CallSession): boolean {
  return session.internal;
}

export function waitDurationSec(session: CallSession): number | undefined {
  return session.waitDurationSec;
}

export function talkDurationSec(session: CallSession): number | undefined {
  return session.talkDurationSec;
}

/** The employee who answered first (whose extension goes on the MoySklad call). */
export function answeredEmployee(session: CallSession): CallSessionEmployee | undefined {
  return session.employees.find((e) => e.key === session.answeredBy);
}

export function employeesWithStatus(session: CallSession, status: LegStatus): CallSessionEmployee[] {
  return session.employees.filter((e) => e.status === status);
}
