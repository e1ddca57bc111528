// What this process last committed for each recent call session. Only a hint: every write that
// relies on it is guarded by the version and the event count it was read at (see
// CallStore.applyEvent), so a stale or missing hint costs a read, never a lost event. It saves the
// `select … for update` per notification, and lets the reconciler's in-process pass start without
// reading the session back.
import type { CallSession } from '../call-session/index.ts';

export interface SessionHint {
  accountId: string;
  state: CallSession;
  version: number;
}

/** Enough for every call ringing at once on a large installation; older ones are read back. */
const MAX_HINTS = 20_000;

export const sessionKey = (integrationId: string, callSessionId: string) => `${integrationId}:${callSessionId}`;

export class SessionHints {
  private readonly hints = new Map<string, SessionHint>();

  constructor(private readonly max = MAX_HINTS) {}

  get(integrationId: string, callSessionId: string): SessionHint | undefined {
    return this.hints.get(sessionKey(integrationId, callSessionId));
  }

  /** Records a committed state; an older version never replaces a newer one. */
  remember(integrationId: string, hint: SessionHint): void {
    const key = sessionKey(integrationId, hint.state.callSessionId);
    const had = this.hints.get(key);
    if (had && (had.version > hint.version || (had.version === hint.version && had.state.events.length > hint.state.events.length))) return;
    this.hints.delete(key); // re-insert: Map order is the eviction order (least recently written first)
    this.hints.set(key, hint);
    if (this.hints.size > this.max) this.hints.delete(this.hints.keys().next().value!);
  }

  forget(integrationId: string, callSessionId: string): void {
    this.hints.delete(sessionKey(integrationId, callSessionId));
  }
}
