// Merging one more notification into a call session. The state keeps the distinct events and
// re-derives everything else, which makes the merge commutative and idempotent by construction.
import type { UisCallEvent } from '../../uis/index.ts';
import type { CallSession } from './call-session.ts';
import { deriveCallSession } from './derive.ts';
import { canonicalDigest, eventFingerprint } from './fingerprint.ts';

/** Guard against a flood of distinct junk events for one session bloating the stored state. */
export const MAX_EVENTS_PER_SESSION = 500;

export interface ApplyResult {
  readonly state: CallSession;
  /** The derived session changed: enqueue one reconcile job for it. */
  readonly changed: boolean;
  /** The event was new (not a duplicate): persist `state` even when `changed` is false. */
  readonly recorded: boolean;
}

export function applyEvent(state: CallSession | undefined, event: UisCallEvent): ApplyResult {
  if (state && state.callSessionId !== event.callSessionId) {
    throw new Error(`event for call session ${event.callSessionId} applied to session ${state.callSessionId}`);
  }
  const events = state?.events ?? [];
  const fp = eventFingerprint(event);
  const duplicate = events.some((e) => eventFingerprint(e) === fp);
  if (state && (duplicate || events.length >= MAX_EVENTS_PER_SESSION)) {
    return { state, changed: false, recorded: false };
  }
  const next = deriveCallSession(event.callSessionId, [...events, event]);
  const changed = !state || sessionFacts(state) !== sessionFacts(next);
  return { state: next, changed, recorded: true };
}

/** Builds a session from any collection of events (duplicates ignored). */
export function sessionFromEvents(events: readonly UisCallEvent[]): CallSession | undefined {
  let state: CallSession | undefined;
  for (const e of events) state = applyEvent(state, e).state;
  return state;
}

/** Sessions are replaced, never changed: a session's facts are serialised once (see sessionFacts). */
const facts = new WeakMap<CallSession, string>();

/** The derived part of a session, as a digest of its canonical JSON: equal exactly when the facts are. */
export function sessionFacts(state: CallSession): string {
  let known = facts.get(state);
  if (known === undefined) {
    const { events: _events, ...rest } = state;
    known = canonicalDigest(rest);
    facts.set(state, known);
  }
  return known;
}
