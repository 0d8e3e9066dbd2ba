import { describe, expect, it } from 'vitest';
import { pairedRatio, type TurnPair } from '../bench/spread.mjs';

/** Turns whose speed swings the way this machine's does: each pair shares its moment's speed. */
function turns(count: number, gap: number, jitter: number): TurnPair[] {
  return Array.from({ length: count }, (_, i) => {
    const speed = 1000 * (1 + 0.4 * Math.sin(i * 1.7));
    const wobble = 1 + jitter * Math.sin(i * 2.3 + 1);
    return { a: { requests: speed * gap * wobble, seconds: 1 }, b: { requests: speed, seconds: 1.02 } };
  });
}

describe('the bench’s paired ratio', () => {
  it('pools the turns: requests over seconds for each system, then their ratio', () => {
    const result = pairedRatio([
      { a: { requests: 900, seconds: 1 }, b: { requests: 1000, seconds: 1 } },
      { a: { requests: 300, seconds: 1 }, b: { requests: 200, seconds: 1 } },
    ]);
    expect(result?.ratio).toBeCloseTo(1200 / 1200, 10);
  });

  it('brackets the pooled ratio, and a wider one for turns that disagree more', () => {
    const steady = pairedRatio(turns(30, 0.9, 0.01));
    const noisy = pairedRatio(turns(30, 0.9, 0.15));
    for (const r of [steady, noisy]) {
      expect(r?.low).toBeLessThanOrEqual(r?.ratio ?? Number.NaN);
      expect(r?.high).toBeGreaterThanOrEqual(r?.ratio ?? Number.NaN);
    }
    const width = (r: typeof steady) => (r ? r.high - r.low : Number.NaN);
    expect(width(noisy)).toBeGreaterThan(3 * width(steady));
    // A steady 10% gap (seconds differ by 2% too) is told apart from no gap at all.
    expect(steady?.high).toBeLessThan(0.95);
  });

  it('gives the same interval for the same turns, so a report can be checked from its JSON', () => {
    expect(pairedRatio(turns(20, 1, 0.1))).toEqual(pairedRatio(turns(20, 1, 0.1)));
    expect(pairedRatio([])).toBeNull();
  });
});
