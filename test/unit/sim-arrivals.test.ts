import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrivalOffsets, createSimRng } from '../../src/sandbox/uis/index.ts';

const take = (it: Iterator<number>, n: number) => Array.from({ length: n }, () => it.next().value as number);
const gaps = (at: number[]) => at.map((t, i) => t - (i === 0 ? 0 : at[i - 1]!));

test('even arrivals: one every 1/rate s, from the start', () => {
  assert.deepEqual(take(arrivalOffsets(4, 'even', createSimRng(1)), 4), [0, 250, 500, 750]);
});

test('poisson arrivals: exponential gaps at the mean rate, replayable by seed', () => {
  const n = 20_000;
  const at = take(arrivalOffsets(50, 'poisson', createSimRng(7)), n);
  const g = gaps(at);
  assert.ok(g.every((x) => x >= 0 && Number.isFinite(x)));
  const mean = g.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  assert.ok(Math.abs(mean - 20) < 0.6, `mean gap ${mean} ms`);
  // Exponential: the standard deviation equals the mean (a metronome's is 0).
  assert.ok(Math.abs(sd / mean - 1) < 0.05, `cv ${sd / mean}`);
  // P(gap < mean) = 1 - 1/e ≈ 0.632.
  const below = g.filter((x) => x < 20).length / n;
  assert.ok(Math.abs(below - 0.632) < 0.02, `share below the mean ${below}`);
  assert.ok(at[0]! > 0, 'the first call does not start at once (simulators started together drift apart)');
  assert.deepEqual(take(arrivalOffsets(50, 'poisson', createSimRng(7)), 5), at.slice(0, 5));
  assert.notDeepEqual(take(arrivalOffsets(50, 'poisson', createSimRng(8)), 5), at.slice(0, 5));
});
