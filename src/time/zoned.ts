// Wall-clock time in an IANA time zone (DST included), with Intl only: what a clock in `timeZone`
// shows at an instant, and the instant at which it shows a given wall-clock time. UIS reports its
// times as naive wall-clock text in the account's zone; working hours are defined in one too.

export type WallClock = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
};

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** What a clock in `timeZone` shows at `at`, asked of Intl (the slow path; see `wallClock`). */
function intlWallClock(at: Date, timeZone: string): WallClock {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  };
}

/** Offset of the zone from UTC at the whole second `utcSecondMs`, asked of Intl. */
function intlOffsetMs(utcSecondMs: number, timeZone: string): number {
  const w = intlWallClock(new Date(utcSecondMs), timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - utcSecondMs;
}

// Offsets change only at a zone's transitions, and those fall on quarter hours: an offset that is
// the same at both ends of a quarter hour holds for all of it. Every UIS timestamp and every
// Phone API time goes through here, and Intl's formatToParts costs ~10 µs a call; a cached
// quarter hour costs a map lookup.
const QUARTER_HOUR_MS = 15 * 60_000;
const MAX_CACHED_QUARTERS = 4096;
const offsetCache = new Map<string, Map<number, number>>();

function offsetMs(utcSecondMs: number, timeZone: string): number {
  const quarter = Math.floor(utcSecondMs / QUARTER_HOUR_MS);
  let zone = offsetCache.get(timeZone);
  const cached = zone?.get(quarter);
  if (cached !== undefined) return cached;
  const start = intlOffsetMs(quarter * QUARTER_HOUR_MS, timeZone);
  const end = intlOffsetMs((quarter + 1) * QUARTER_HOUR_MS - 1000, timeZone);
  // A transition inside this quarter hour (historic zones had odd ones): ask Intl every time.
  if (start !== end) return intlOffsetMs(utcSecondMs, timeZone);
  if (!zone) offsetCache.set(timeZone, (zone = new Map()));
  if (zone.size >= MAX_CACHED_QUARTERS) zone.clear();
  zone.set(quarter, start);
  return start;
}

/** What a clock in `timeZone` shows at `at`. Throws RangeError for an unknown zone. */
export function wallClock(at: Date, timeZone: string): WallClock {
  const second = Math.floor(at.getTime() / 1000) * 1000;
  const local = new Date(second + offsetMs(second, timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: (local.getUTCDay() + 6) % 7,
  };
}

/** Offset of the zone from UTC at `utcMs`, in ms (Moscow: +3 h). */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  return offsetMs(Math.floor(utcMs / 1000) * 1000, timeZone);
}

/** The instant at which a clock in `timeZone` shows this wall-clock time. */
export function zonedToUtc(
  w: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number; ms?: number },
  timeZone: string,
): Date {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour ?? 0, w.minute ?? 0, w.second ?? 0, w.ms ?? 0);
  // A second pass settles DST edges (the offset at the result may differ from the guess's).
  let t = naive - zoneOffsetMs(naive, timeZone);
  t = naive - zoneOffsetMs(t, timeZone);
  return new Date(t);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "YYYY-MM-DD hh:mm:ss" as a clock in `timeZone` shows it at `at`. */
export function formatWallClock(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}
