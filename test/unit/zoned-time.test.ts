import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatWallClock, wallClock, zonedToUtc } from '../../src/time/index.ts';

/** What Intl says a clock in `timeZone` shows at `at` (the reference the cached offsets must match). */
const formats = new Map<string, Intl.DateTimeFormat>();
function intl(at: Date, timeZone: string) {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' });
    formats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday!),
  };
}

// DST with whole hours, half-hour offsets, a 30-minute DST shift, quarter-hour offsets, no DST,
// and Moscow, which changed its rules in 2011 and 2014.
const ZONES = ['Europe/Moscow', 'Europe/Berlin', 'America/New_York', 'America/St_Johns', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Asia/Yekaterinburg', 'UTC'];

describe('wall clock in a time zone', () => {
  test('agrees with Intl at random instants 1995–2035 and seconds around every transition', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const from = Date.UTC(1995, 0, 1);
    const to = Date.UTC(2035, 0, 1);
    for (const zone of ZONES) {
      const instants: number[] = [];
      for (let i = 0; i < 400; i++) instants.push(from + Math.floor(random() * (to - from)));
      // Every transition in 2010–2027 (the offset differs an hour apart), probed each minute of that
      // hour and second by second around its quarter hours (where transitions fall).
      const offset = (at: number) => {
        const w = intl(new Date(at), zone);
        return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - at;
      };
      const DAY = 86_400_000;
      for (let day = Date.UTC(2010, 0, 1); day < Date.UTC(2027, 0, 1); day += DAY) {
        if (offset(day) === offset(day + DAY)) continue;
        for (let t = day; t < day + DAY; t += 3600_000) {
          if (offset(t) === offset(t + 3600_000)) continue;
          for (let s = 0; s <= 3600; s += 61) instants.push(t + s * 1000);
          for (let q = 0; q <= 4; q++) for (let s = -3; s <= 3; s++) instants.push(t + q * 900_000 + s * 1000);
        }
      }
      for (const at of instants) {
        const d = new Date(at + 123); // milliseconds do not move the clock's second
        assert.deepEqual(wallClock(d, zone), intl(d, zone), `${zone} at ${d.toISOString()}`);
      }
    }
  });

  test('zonedToUtc inverts wallClock (instants whose wall time occurs once)', () => {
    for (const zone of ZONES) {
      for (const iso of ['2026-01-15T09:30:00Z', '2026-07-15T21:45:59Z', '2014-10-25T20:59:59Z', '2011-03-26T23:00:00Z']) {
        const at = new Date(iso);
        const w = wallClock(at, zone);
        assert.equal(zonedToUtc(w, zone).toISOString(), at.toISOString(), `${zone} ${iso}`);
      }
    }
  });

  test('formats Moscow time and rejects an unknown zone', () => {
    assert.equal(formatWallClock(new Date('2026-12-31T21:30:00Z'), 'Europe/Moscow'), '2027-01-01 00:30:00');
    assert.equal(formatWallClock(new Date('2014-10-25T21:30:00Z'), 'Europe/Moscow'), '2014-10-26 01:30:00'); // still +4 then
    assert.throws(() => wallClock(new Date(), 'Mars/Olympus'), RangeError);
  });
});
