// MoySklad money fields (prices, sums) are kopecks (minor units) carried as JSON numbers.
// We keep kopecks as integers everywhere and convert only at the UI.

/** Rounds a MoySklad money value to whole kopecks (it is a Float on the wire). */
export function kopecks(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError('kopecks: not a finite number');
  return Math.round(value);
}

export function rublesToKopecks(rubles: number): number {
  if (!Number.isFinite(rubles)) throw new RangeError('rublesToKopecks: not a finite number');
  // Round through a string-free integer step to avoid 19.99*100 = 1998.9999…
  return Math.round(rubles * 100 + (rubles >= 0 ? 1e-9 : -1e-9));
}

export function kopecksToRubles(k: number): number {
  return kopecks(k) / 100;
}
