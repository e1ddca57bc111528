// MoySklad speaks Moscow time (UTC+3, no DST since 2014) without an offset in the string.
const MSK_OFFSET_MS = 3 * 60 * 60 * 1000;

/** epoch ms → "YYYY-MM-DD HH:mm:ss.SSS" in Moscow time. */
export function formatMsk(ms: number): string {
  const iso = new Date(ms + MSK_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

const MSK_RE = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * Parses the forms MoySklad accepts in bodies and filters: "YYYY-MM-DD HH:mm:ss[.SSS]",
 * "YYYY-MM-DD HH:mm" and (filters) "YYYY-MM-DD". Returns epoch ms, or undefined when malformed.
 */
export function parseMsk(text: string): number | undefined {
  const m = MSK_RE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '0'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0')));
  if (Number.isNaN(ms)) return undefined;
  const back = new Date(ms);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d)) return undefined;
  return ms - MSK_OFFSET_MS;
}
