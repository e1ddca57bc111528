import type { Rng } from '../util/rng.ts';

/** Ten national digits of a Russian mobile or Moscow number, e.g. "9161234567". */
export function nationalNumber(rng: Rng): string {
  const mobile = rng.chance(0.85);
  const head = mobile ? rng.pick(['900', '903', '905', '915', '916', '925', '926', '977', '985', '999']) : '495';
  return head + String(rng.int(10_000_000)).padStart(7, '0');
}

/**
 * Writes a number the way people type it into MoySklad's free-text phone field: with +7 or 8,
 * brackets, dashes, spaces, an extension, or several numbers in one field.
 */
export function messyPhone(rng: Rng, national: string): string {
  const a = national.slice(0, 3);
  const b = national.slice(3, 6);
  const c = national.slice(6, 8);
  const d = national.slice(8, 10);
  switch (rng.int(9)) {
    case 0: return `+7 (${a}) ${b}-${c}-${d}`;
    case 1: return `8${national}`;
    case 2: return `8-${a}-${b}-${c}-${d}`;
    case 3: return `+7${national}`;
    case 4: return `7 ${a} ${b}${c}${d}`;
    case 5: return national;
    case 6: return `8 (${a}) ${b} ${c} ${d}`;
    case 7: return `+7 ${a} ${b} ${c} ${d} доб. ${100 + rng.int(900)}`;
    default: return `+7 (${a}) ${b}-${c}-${d}, 8 (495) ${String(rng.int(1000)).padStart(3, '0')}-${String(rng.int(100)).padStart(2, '0')}-${String(rng.int(100)).padStart(2, '0')}`;
  }
}
