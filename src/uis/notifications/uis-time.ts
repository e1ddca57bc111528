// UIS datetimes: notification variables such as notification_time / start_time are text
// "YYYY-MM-DD hh:mm:ss" (Data API format, reference §3.1) in the account's time zone, which UIS
// reports as an IANA name (get.account.timezone). Moscow is the default for uiscom.ru accounts.
export const DEFAULT_UIS_TIME_ZONE = 'Europe/Moscow';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClockParts(utcMs: number, timeZone: string): number[] {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return [get('year'), get('month'), get('day'), get('hour'), get('minute'), get('second')];
}

function offsetMs(utcMs: number, timeZone: string): number {
  const [y, mo, d, h, mi, s] = wallClockParts(utcMs, timeZone);
  const asUtc = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
  return asUtc - (utcMs - (utcMs % 1000 + 1000) % 1000);
}

/** "2024-05-14 12:34:56" in `timeZone` → Date in UTC. */
export function wallTimeToUtc(
  parts: { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number },
  timeZone: string,
): Date {
  const naive = Date.UTC(parts.y, parts.mo - 1, parts.d, parts.h, parts.mi, parts.s, parts.ms);
  // Two passes settle the offset around DST transitions.
  let guess = naive - offsetMs(naive, timeZone);
  guess = naive - offsetMs(guess, timeZone);
  return new Date(guess);
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
  const [y, mo, d, h, mi, s] = wallClockParts(date.getTime(), timeZone);
  const p = (n: number | undefined, w = 2) => String(n ?? 0).padStart(w, '0');
  return `${p(y, 4)}-${p(mo)}-${p(d)} ${p(h)}:${p(mi)}:${p(s)}`;
}
