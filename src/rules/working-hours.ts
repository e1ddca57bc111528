// Working hours in the account's time zone: "is this moment inside?" and "when do they start next?".
// Computed with Intl (IANA zones, DST included), no dependency.
import { wallClock, zonedToUtc } from '../time/index.ts';
import type { WorkingHours } from './schema.ts';

interface LocalParts {
  year: number;
  month: number;
  day: number;
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
  minutes: number;
}

export function localParts(at: Date, timeZone: string): LocalParts {
  const w = wallClock(at, timeZone);
  return { year: w.year, month: w.month, day: w.day, weekday: w.weekday, minutes: w.hour * 60 + w.minute };
}

/** The instant when the wall clock in `timeZone` shows this local date and minute of day. */
export function zonedInstant(year: number, month: number, day: number, minutes: number, timeZone: string): Date {
  return zonedToUtc({ year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, timeZone);
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
