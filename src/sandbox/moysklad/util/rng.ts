// Deterministic PRNG (mulberry32) so a seed number always yields the same sandbox data.
export interface Rng {
  next(): number; // [0, 1)
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  uuid(): string;
  hex(len: number): string;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0 || 0x9e3779b9;
  const u32 = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const hex8 = (): string => u32().toString(16).padStart(8, '0');
  const rng: Rng = {
    next: () => u32() / 4294967296,
    int: (max) => Math.floor((u32() / 4294967296) * max),
    pick: (items) => {
      const v = items[Math.floor((u32() / 4294967296) * items.length)];
      if (v === undefined) throw new Error('pick from empty list');
      return v;
    },
    chance: (p) => u32() / 4294967296 < p,
    uuid: () => {
      const h = hex8() + hex8() + hex8() + hex8();
      // version 4 / variant bits, so ids look like the UUIDs MoySklad issues
      const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    hex: (len) => {
      let s = '';
      while (s.length < len) s += hex8();
      return s.slice(0, len);
    },
  };
  return rng;
}

/** FNV-1a, for turning names into seeds. */
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
