// Desired: what MoySklad should show for a call session right now (DESIGN.md §8).
import type { CallSession, CallSessionEmployee } from '../call-session/index.ts';
import { normalizePhone } from '../../phone/index.ts';
import { callComment } from './comment.ts';
import type { ExtensionMap } from './extension-map.ts';
import type { CardState } from './pushed-state.ts';

export interface CallSettings {
  showInternalCalls: boolean;
}

export type DesiredCall =
  | { push: false; reason: string }
  | {
      push: true;
      externalId: string;
      number: string;
      isIncoming: boolean;
      startTime: Date;
      /** Only once someone answered, or the call ended with one obvious owner. */
      extension?: string;
      end?: { endTime: Date; durationMs: number };
      recordUrls: string[];
      comment: string;
      finished: boolean;
      /** Some leg is still ringing or talking (a card may still matter). */
      active: boolean;
      /** Card per MoySklad extension of every involved, mapped employee. */
      cards: Record<string, CardState>;
    };

const CARD_RANK: Record<CardState, number> = { hidden: 0, ringing: 1, talking: 2 };

function cardOf(e: CallSessionEmployee): CardState {
  return e.status === 'talking' ? 'talking' : e.status === 'ringing' ? 'ringing' : 'hidden';
}

/** Who the MoySklad call belongs to ("extension"): the one who answered an incoming call, the caller of an outgoing one. */
function owner(s: CallSession): CallSessionEmployee | undefined {
  const byKey = new Map(s.employees.map((e) => [e.key, e]));
  if (s.direction === 'out') {
    const callers = s.employees.filter((e) => e.rang).sort((a, b) => (a.rangAt ?? '~').localeCompare(b.rangAt ?? '~'));
    const caller = callers[0];
    if (caller && (s.answered || s.finished)) return caller;
    return undefined;
  }
  if (s.answeredBy) return byKey.get(s.answeredBy);
  if (s.finished) {
    const rang = s.employees.filter((e) => e.rang);
    if (rang.length === 1) return rang[0];
  }
  return undefined;
}

export async function desiredCall(
  integrationId: string,
  s: CallSession,
  settings: CallSettings,
  extensions: ExtensionMap,
): Promise<DesiredCall> {
  if (s.internal && !settings.showInternalCalls) return { push: false, reason: 'internal call; showInternalCalls is off' };
  const raw = s.contactPhoneNumber;
  if (!raw) return { push: false, reason: 'no contact number yet' };
  const number = s.internal ? raw : (normalizePhone(raw) ?? raw);
  const startIso = s.startedAt ?? s.events.find((e) => e.occurredAt)?.occurredAt;
  if (!startIso) return { push: false, reason: 'no start time yet' };
  const startTime = new Date(startIso);

  const msExt = new Map<string, string | undefined>();
  for (const e of s.employees) {
    msExt.set(e.key, await extensions.msExtensionFor(integrationId, { uisEmployeeId: e.employeeId, uisExtension: e.extension }));
  }
  const cards: Record<string, CardState> = {};
  for (const e of s.employees) {
    const ext = msExt.get(e.key);
    if (!ext) continue;
    const c = s.finished ? 'hidden' : cardOf(e);
    const prev = cards[ext];
    cards[ext] = prev === undefined || CARD_RANK[c] > CARD_RANK[prev] ? c : prev;
  }

  const o = owner(s);
  const extension = o ? msExt.get(o.key) : undefined;
  let end: { endTime: Date; durationMs: number } | undefined;
  if (s.finished && s.endedAt) {
    const endTime = new Date(Math.max(Date.parse(s.endedAt), startTime.getTime()));
    end = { endTime, durationMs: endTime.getTime() - startTime.getTime() };
  }
  return {
    push: true,
    externalId: s.callSessionId,
    number,
    isIncoming: s.direction !== 'out',
    startTime,
    ...(extension ? { extension } : {}),
    ...(end ? { end } : {}),
    recordUrls: s.recordings.map((r) => r.url),
    comment: callComment(s),
    finished: s.finished,
    active: s.employees.some((e) => e.status === 'ringing' || e.status === 'talking'),
    cards,
  };
}
