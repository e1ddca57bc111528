// When communications start in a traffic run. "even": one every 1/rate s (a metronome; several
// simulators started together then start their calls in the same millisecond). "poisson":
// independent arrivals at the same mean rate (exponential gaps), which is how calls of many
// unrelated callers reach a business, and what several simulators add up to as well.
import type { SimRng } from './rng.ts';

export type ArrivalPattern = 'even' | 'poisson';

/** Start offsets in ms from the run's start, endless; the caller bounds them. */
export function* arrivalOffsets(rate: number, pattern: ArrivalPattern, rng: SimRng): Generator<number> {
  const meanGapMs = 1000 / rate;
  if (pattern === 'even') {
    for (let i = 0; ; i++) yield i * meanGapMs;
  }
  let at = 0;
  for (;;) {
    // 1 - next() is in (0, 1], so the logarithm is finite.
    at += -Math.log(1 - rng.next()) * meanGapMs;
    yield at;
  }
}
