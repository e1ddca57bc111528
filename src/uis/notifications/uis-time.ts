// UIS datetimes: notification variables such as notification_time / start_time are text
// "YYYY-MM-DD hh:mm:ss" (Data API format, reference §3.1) in the account's time zone, which UIS
// reports as an IANA name (get.account.timezone). Moscow is the default for uiscom.ru accounts.
import { formatWallClock, zonedToUtc } from '../../time/index.ts';

export const DEFAULT_UIS_TIME_ZONE = 'Europe/Moscow';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** "2024-05-14 12:34:56" in `timeZone` → Date in UTC. */
export function wallTimeToUtc(
  parts: { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number },
  timeZone: string,
): Date {
  return zonedToUtc({ year: parts.y, month: parts.mo, day: parts.d, hour: parts.h, minute: parts.mi, second: parts.s, ms: parts.ms }, timeZone);
}

/**
 * Parses a UIS time value into an ISO-8601 UTC string, or null when it is not a time.
 * Accepts "YYYY-MM-DD hh:mm:ss[.ffffff]" (account zone), ISO with offset/Z, and unix seconds/ms.
 */
export function parseUisTime(value: unknown, timeZone: string = DEFAULT_UIS_TIME_ZONE): string | null {
  if (typeof value === 'number') return unixToIso(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d{9,13}(?:\.\d+)?$/.test(text)) return unixToIso(Number(text));
  if (WITH_OFFSET.test(text)) {
    const d = new Date(text.replace(' ', 'T').replace(/\s+/g, ''));
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  const m = LOCAL.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => Number(x ?? 0)) as [
    number, number, number, number, number, number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  try {
    return wallTimeToUtc({ y, mo, d, h, mi, s, ms }, timeZone).toISOString();
  } catch {
    return null; // unknown time zone name
  }
}

function unixToIso(n: number): string | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  const ms = n > 1e11 ? n : n * 1000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Date → "YYYY-MM-DD hh:mm:ss" in `timeZone`, the way UIS prints its datetimes. */
export function formatUisDateTime(date: Date, timeZone: string = DEFAULT_UIS_TIME_ZONE): string {
  return formatWallClock(date, timeZone);
}
