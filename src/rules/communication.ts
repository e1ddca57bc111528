// Any communication the rules act on — a call, a chat or an offline request — in one shape, so the
// same rules serve telephony now and chats later.
import type { CallSession } from '../telephony/call-session/index.ts';

export type Channel = 'call' | 'chat' | 'offline';
/** answered: someone talked / replied; missed: nobody answered (UIS "lost" included). */
export type CommOutcome = 'answered' | 'missed' | 'in_progress';

/** Marketing attribution of the contact (UIS notifications and get.calls_report). */
export interface Attribution {
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  utm_term?: string;
  utm_content?: string;
  campaign?: string;
  site?: string;
  search_query?: string;
  referrer?: string;
  visitor_region?: string;
  visitor_city?: string;
  visitor_device?: string;
}
export const ATTRIBUTION_KEYS = [
  'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'campaign', 'site', 'search_query',
  'referrer', 'visitor_region', 'visitor_city', 'visitor_device',
] as const satisfies ReadonlyArray<keyof Attribution>;

export interface CommEmployee {
  /** UIS employee id (as text) when known. */
  uisEmployeeId?: string;
  extension?: string;
  name?: string;
}

export interface Communication {
  channel: Channel;
  /** Id within the channel (call session id, chat id …); `${channel}:${ref}` is the key. */
  ref: string;
  direction: 'in' | 'out';
  outcome: CommOutcome;
  /** UIS counts it as lost (an incoming call nobody answered). */
  lost: boolean;
  finished: boolean;
  internal: boolean;
  /** The client's number as UIS gave it. */
  contactPhone?: string;
  /** The virtual number dialled (calls) or the chat channel name (chats). */
  virtualNumber?: string;
  chatChannel?: string;
  startedAt: Date;
  endedAt?: Date;
  talkDurationSec: number;
  /** In ring order; the last is "the last ringing employee". */
  rang: CommEmployee[];
  answeredBy?: CommEmployee;
  attribution: Attribution;
  contactName?: string;
}

export const commKey = (c: Pick<Communication, 'channel' | 'ref'>) => `${c.channel}:${c.ref}`;

const present = (v: string | undefined | null): string | undefined => (v === undefined || v === null || v === '' ? undefined : v);

/** The call session (src/telephony/call-session) as a communication. */
export function fromCallSession(s: CallSession): Communication {
  const utm = s.utm ?? {};
  const attribution: Attribution = {};
  const put = (k: keyof Attribution, v: string | undefined) => {
    const p = present(v);
    if (p !== undefined) attribution[k] = p;
  };
  put('utm_source', utm['utm_source'] ?? utm['source']);
  put('utm_medium', utm['utm_medium'] ?? utm['medium']);
  put('utm_campaign', utm['utm_campaign'] ?? utm['campaign']);
  put('utm_term', utm['utm_term'] ?? utm['term']);
  put('utm_content', utm['utm_content'] ?? utm['content']);
  put('campaign', s.campaignName);
  put('site', s.siteDomainName);
  put('visitor_region', s.regionName);
  const emp = (key: string | undefined): CommEmployee | undefined => {
    const e = key ? s.employees.find((x) => x.key === key) : undefined;
    if (!e) return undefined;
    return {
      ...(e.employeeId ? { uisEmployeeId: e.employeeId } : {}),
      ...(e.extension ? { extension: e.extension } : {}),
      ...(e.fullName ? { name: e.fullName } : {}),
    };
  };
  const rang = [...s.employees]
    .filter((e) => e.rang)
    .sort((a, b) => (a.rangAt ?? '').localeCompare(b.rangAt ?? ''))
    .map((e) => emp(e.key)!)
    .filter(Boolean);
  const answeredBy = emp(s.lastAnsweredBy ?? s.answeredBy);
  const started = s.startedAt ? new Date(s.startedAt) : new Date(0);
  return {
    channel: 'call',
    ref: s.callSessionId,
    direction: s.direction ?? 'in',
    outcome: s.answered ? 'answered' : s.finished ? 'missed' : 'in_progress',
    lost: s.lost,
    finished: s.finished,
    internal: s.internal,
    ...(present(s.contactPhoneNumber) ? { contactPhone: s.contactPhoneNumber! } : {}),
    ...(present(s.virtualPhoneNumber) ? { virtualNumber: s.virtualPhoneNumber! } : {}),
    startedAt: Number.isFinite(started.getTime()) ? started : new Date(0),
    ...(s.endedAt ? { endedAt: new Date(s.endedAt) } : {}),
    talkDurationSec: s.talkDurationSec ?? 0,
    rang,
    ...(answeredBy ? { answeredBy } : {}),
    attribution,
    ...(present(s.contactFullName) ? { contactName: s.contactFullName! } : {}),
  };
}
