import { describe, expect, it } from 'vitest';
import { balancedRounds, roundOrder } from '../bench/turn-order.mjs';

/** The turns of `rounds` blocks' rounds, one after another, as run.mjs takes them. */
function stream<T>(systems: readonly T[], rounds: number): T[] {
  return Array.from({ length: rounds }, (_, i) => roundOrder(systems, i)).flat();
}

/** How often each system's turn directly follows each other's: `"a>b"` → count. */
function follows<T>(turns: readonly T[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 1; i < turns.length; i++) {
    const key = `${turns[i - 1]}>${turns[i]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('the bench’s turn order', () => {
  it.each([2, 3, 4, 5, 6, 7, 8, 9])('has every one of %i systems follow every other equally often', (n) => {
    const systems = [...Array(n).keys()];
    const block = balancedRounds(n).length;
    for (const round of balancedRounds(n)) expect([...round].sort((a, b) => a - b)).toEqual(systems);
    // Two blocks and the first turn of a third: every step of both blocks, the ones from a round
    // into the next and from the first block into the second included.
    const counts = follows(stream(systems, 2 * block + 1).slice(0, 2 * block * n + 1));
    expect(counts.size).toBe(n * (n - 1));
    expect(new Set(counts.values()).size).toBe(1);
  });

  it.each([2, 3, 4, 5, 9])('never gives one of %i systems two turns in a row', (n) => {
    const turns = stream([...Array(n).keys()], 3 * balancedRounds(n).length);
    for (let i = 1; i < turns.length; i++) expect(turns[i]).not.toBe(turns[i - 1]);
  });

  /**
   * Who each timed turn follows in the bench's default schedule (run.mjs): three runs of ten timed
   * rounds, each after three warm-up rounds, the stream broken between runs.
   */
  function timedFollows(systems: readonly string[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (let run = 0; run < 3; run++) {
      const first = run * 10;
      const turns: { system: string; timed: boolean }[] = [];
      for (let round = first - 3; round < first + 10; round++)
        for (const system of roundOrder(systems, round)) turns.push({ system, timed: round >= first });
      for (let i = 1; i < turns.length; i++) {
        if (!turns[i].timed) continue;
        const key = `${turns[i - 1].system}>${turns[i].system}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return counts;
  }

  it('has every system follow every other equally often in the timed turns of W1 and W4', () => {
    // The order it replaced went round and back: off never followed PostGraphile on W1. The
    // warm-up's rounds lead into the timed ones, so the first timed turn follows whom the blocks
    // say too (with the warm-up starting the block afresh, ours followed PostGraphile 13 times
    // and off 10).
    for (const systems of [
      ['ours', 'off', 'twin', 'postgraphile'],
      ['ours', 'off', 'twin'],
    ]) {
      const counts = timedFollows(systems);
      expect(counts.size).toBe(systems.length * (systems.length - 1));
      expect(new Set(counts.values()).size).toBe(1);
    }
  });

  it('leaves W2’s five systems at most one turn apart in whom they follow', () => {
    // Thirty rounds are 7.5 of five systems' four-round blocks.
    const counts = timedFollows(['ours', 'off', 'twin', 'postgraphile', 'handwritten']);
    expect(counts.size).toBe(20);
    expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
    expect(counts.get('postgraphile>ours')).toBe(counts.get('postgraphile>off'));
  });

  it('leaves W2’s and W6’s nine turns at most one apart in whom they follow', () => {
    // W6 goes round with W2 (run.mjs): thirty rounds are 3.75 of nine turns' eight-round blocks.
    const turns = [
      ...['ours', 'off', 'twin', 'postgraphile', 'handwritten'].map((s) => `${s} W2`),
      ...['ours', 'off', 'twin', 'handwritten'].map((s) => `${s} W6`),
    ];
    const counts = timedFollows(turns);
    expect(counts.size).toBe(72);
    expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
    // What W6 ÷ W2 compares: each system's two turns follow PostGraphile's equally often (the
    // neighbour that slows a turn most: turn-order.mjs).
    for (const system of ['ours', 'handwritten'])
      expect(counts.get(`postgraphile W2>${system} W6`)).toBe(counts.get(`postgraphile W2>${system} W2`));
  });

  it('takes one system alone and refuses more than the bench compares', () => {
    expect(roundOrder(['ours'], 5)).toEqual(['ours']);
    expect(() => balancedRounds(0)).toThrow(RangeError);
    expect(() => balancedRounds(10)).toThrow(RangeError);
  });
});
