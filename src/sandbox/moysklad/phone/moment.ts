// Phone API moments: `yyyy-MM-dd HH:mm:ss[.SSS]`, wall-clock time with no zone (MoySklad assumes
// Moscow). We keep them as "naive" epoch milliseconds (parsed as if UTC) so differences are exact.

const MOMENT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

export function parseMoment(text: string): number | undefined {
  const m = MOMENT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m;
  const value = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number((ms ?? '0').padEnd(3, '0')));
  // Reject 2017-02-31 and the like: Date.UTC silently rolls them over.
  return formatMoment(value, false) === text.slice(0, 19) ? value : undefined;
}

export function formatMoment(naiveMs: number, withMillis: boolean): string {
  const iso = new Date(naiveMs).toISOString(); // 2017-01-01T00:00:05.000Z
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return withMillis ? `${base}.${iso.slice(20, 23)}` : base;
}
