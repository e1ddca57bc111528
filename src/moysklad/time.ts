// MoySklad moments are Moscow wall-clock time without an offset ("2026-10-01 15:04:05.123").
// Moscow has been UTC+3 all year since 2014, so a fixed offset is exact for current data.
const MSK_OFFSET_MS = 3 * 60 * 60 * 1000;
const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Date → "YYYY-MM-DD HH:mm:ss.SSS" in Moscow time (the format MoySklad reads and writes). */
export function formatMoscowTime(date: Date, opts: { millis?: boolean } = {}): string {
  const t = date.getTime();
  if (!Number.isFinite(t)) throw new RangeError('formatMoscowTime: invalid Date');
  const d = new Date(t + MSK_OFFSET_MS);
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return opts.millis === false ? base : `${base}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** "YYYY-MM-DD HH:mm[:ss[.SSS]]" (Moscow) → Date; null when the text is not such a moment. */
export function parseMoscowTime(text: string): Date | null {
  const m = TIME_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  const fields = [y, mo, d, h, mi].map(Number) as [number, number, number, number, number];
  const [year, month, day, hour, minute] = fields;
  const second = s ? Number(s) : 0;
  const milli = ms ? Number(ms.padEnd(3, '0')) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, milli);
  const check = new Date(utc);
  // Reject impossible dates like 2026-02-30 rather than rolling them over.
  if (
    check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day ||
    hour > 23 || minute > 59 || second > 59
  ) {
    return null;
  }
  return new Date(utc - MSK_OFFSET_MS);
}

/** Accepts a Date or an already formatted MoySklad moment; returns the wire string. */
export function toMoscowWire(value: Date | string): string {
  if (typeof value === 'string') {
    if (!parseMoscowTime(value)) throw new RangeError(`not a MoySklad moment: ${value}`);
    return value;
  }
  return formatMoscowTime(value);
}
