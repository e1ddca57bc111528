// Working hours in the account's time zone: "is this moment inside?" and "when do they start next?".
// Computed with Intl (IANA zones, DST included), no dependency.
import type { WorkingHours } from './schema.ts';

interface LocalParts {
  year: number;
  month: number;
  day: number;
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
  minutes: number;
}

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

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function localParts(at: Date, timeZone: string): LocalParts {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** Offset of the zone from UTC at `at`, in ms (Moscow: +3 h). */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant when the wall clock in `timeZone` shows this local date and minute of day. */
export function zonedInstant(year: number, month: number, day: number, minutes: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  let t = guess - zoneOffsetMs(new Date(guess), timeZone);
  // A second pass settles DST edges (the offset at the result may differ from the guess's).
  t = guess - zoneOffsetMs(new Date(t), timeZone);
  return new Date(t);
}

const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isWithinWorkingHours(at: Date, wh: WorkingHours): boolean {
  const p = localParts(at, wh.timeZone);
  const day = wh.days[p.weekday];
  if (!day) return false;
  const [from, till] = [toMin(day[0]), toMin(day[1])];
  return p.minutes >= from && p.minutes < till;
}

/** The next moment working hours begin after `at` (or `at` itself when inside); null if no working day is set. */
export function nextWorkingStart(at: Date, wh: WorkingHours): Date | null {
  if (isWithinWorkingHours(at, wh)) return at;
  const p = localParts(at, wh.timeZone);
  for (let offset = 0; offset <= 7; offset++) {
    // Walk local calendar days: noon of the day avoids DST midnight gaps when stepping.
    const noon = zonedInstant(p.year, p.month, p.day, 12 * 60, wh.timeZone);
    const dayAt = new Date(noon.getTime() + offset * 86_400_000);
    const d = localParts(dayAt, wh.timeZone);
    const hours = wh.days[d.weekday];
    if (!hours) continue;
    const start = zonedInstant(d.year, d.month, d.day, toMin(hours[0]), wh.timeZone);
    if (start.getTime() > at.getTime()) return start;
  }
  return null;
}
