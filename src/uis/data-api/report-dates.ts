// Data API datetimes are naive "YYYY-MM-DD hh:mm:ss" strings in the account's time zone.
// Window arithmetic is done on the naive value (treated as if UTC) so it never shifts by the zone.

import { formatUisDateTime } from '../notifications/uis-time.ts';


const NAIVE_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

export function isUisDateTime(s: string): boolean {
  return NAIVE_RE.test(s);
}

/** Formats an instant as the account-local naive datetime UIS expects. */
export function toUisDateTime(v: string | Date, timeZone?: string): string {
  if (typeof v === 'string') {
    if (!isUisDateTime(v)) throw new RangeError(`not a UIS datetime "YYYY-MM-DD hh:mm:ss": ${v}`);
    return v;
  }
  return formatUisDateTime(v, timeZone);
}

function naiveToMs(s: string): number {
  const m = NAIVE_RE.exec(s);
  if (!m) throw new RangeError(`not a UIS datetime: ${s}`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

function msToNaive(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** Adds calendar months, clamping the day (Jan 31 + 1 month = Feb 28/29), as a person would. */
export function addMonthsNaive(s: string, months: number): string {
  const d = new Date(naiveToMs(s));
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return msToNaive(d.getTime());
}

export function addSecondsNaive(s: string, seconds: number): string {
  return msToNaive(naiveToMs(s) + seconds * 1000);
}

export function compareNaive(a: string, b: string): number {
  return naiveToMs(a) - naiveToMs(b);
}

export type ReportWindowLimit = { months: number } | { days: number };

function windowEnd(from: string, limit: ReportWindowLimit): string {
  return 'months' in limit ? addMonthsNaive(from, limit.months) : addSecondsNaive(from, limit.days * 86_400);
}

/**
 * Splits [from, till] into consecutive windows UIS accepts (reports: ≤ 3 months,
 * chat messages: ≤ 30 days). Windows share no second: the next starts 1 s after the previous ends.
 */
export function splitReportWindows(from: string, till: string, limit: ReportWindowLimit): Array<{ from: string; till: string }> {
  if (compareNaive(from, till) > 0) throw new RangeError(`date_from ${from} is after date_till ${till}`);
  const out: Array<{ from: string; till: string }> = [];
  let cur = from;
  for (;;) {
    const end = windowEnd(cur, limit);
    if (compareNaive(end, till) >= 0) {
      out.push({ from: cur, till });
      return out;
    }
    out.push({ from: cur, till: end });
    cur = addSecondsNaive(end, 1);
  }
}

/** Halves a window (used when one window holds more rows than UIS lets us page through). */
export function bisectWindow(from: string, till: string): [{ from: string; till: string }, { from: string; till: string }] | null {
  const a = naiveToMs(from);
  const b = naiveToMs(till);
  if (b - a < 2000) return null;
  const mid = a + Math.floor((b - a) / 2000) * 1000;
  return [
    { from, till: msToNaive(mid) },
    { from: msToNaive(mid + 1000), till },
  ];
}
