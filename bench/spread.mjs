// How far a ratio of two systems' throughput can be trusted. This machine's speed swings by
// 10–50% within seconds, so one run's ratio moves by more than the differences the bench is meant
// to show (ours ÷ off on W3: 1.11, 0.87 and 1.04 in the three runs of one bench). Every turn of
// one system is paired with the other's turn next to it (the same slice of the same run), the
// ratio is taken over all the turns pooled, and resampling the pairs says how much it would move
// with other turns of the same machine.
import { prng } from './random.mjs';

/**
 * The ratio of `a`'s requests per second to `b`'s over paired turns, with a bootstrap interval.
 * @param {{ a: { requests: number, seconds: number }, b: { requests: number, seconds: number } }[]} pairs
 *   one entry per turn pair
 * @param {{ draws?: number, level?: number, seed?: number }} [options] resamples, the interval's
 *   coverage (0.9: the 5th to the 95th percentile) and the random seed, so a report can be
 *   recomputed from its JSON
 * @returns {{ ratio: number, low: number, high: number } | null} null without pairs
 */
export function pairedRatio(pairs, { draws = 2000, level = 0.9, seed = 1 } = {}) {
  if (pairs.length === 0) return null;
  const ratioOf = (indexes) => {
    let aRequests = 0;
    let aSeconds = 0;
    let bRequests = 0;
    let bSeconds = 0;
    for (const i of indexes) {
      aRequests += pairs[i].a.requests;
      aSeconds += pairs[i].a.seconds;
      bRequests += pairs[i].b.requests;
      bSeconds += pairs[i].b.seconds;
    }
    return aRequests / aSeconds / (bRequests / bSeconds);
  };
  const random = prng(seed);
  const all = pairs.map((_, i) => i);
  const resampled = [];
  for (let draw = 0; draw < draws; draw++) {
    resampled.push(ratioOf(all.map(() => Math.floor(random() * pairs.length))));
  }
  resampled.sort((x, y) => x - y);
  const at = (q) => resampled[Math.min(draws - 1, Math.max(0, Math.round(q * (draws - 1))))];
  return { ratio: ratioOf(all), low: at((1 - level) / 2), high: at((1 + level) / 2) };
}
