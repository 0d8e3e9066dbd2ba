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
  it.each([2, 3, 4, 5])('has every one of %i systems follow every other equally often', (n) => {
    const systems = [...Array(n).keys()];
    const block = balancedRounds(n).length;
    for (const round of balancedRounds(n)) expect([...round].sort((a, b) => a - b)).toEqual(systems);
    // Two blocks and the first turn of a third: every step of both blocks, the ones from a round
    // into the next and from the first block into the second included.
    const counts = follows(stream(systems, 2 * block + 1).slice(0, 2 * block * n + 1));
    expect(counts.size).toBe(n * (n - 1));
    expect(new Set(counts.values()).size).toBe(1);
  });

  it.each([2, 3, 4, 5])('never gives one of %i systems two turns in a row', (n) => {
    const turns = stream([...Array(n).keys()], 3 * balancedRounds(n).length);
    for (let i = 1; i < turns.length; i++) expect(turns[i]).not.toBe(turns[i - 1]);
  });

  it('has ours, off and the twin follow PostGraphile equally often over W1’s thirty rounds', () => {
    // The order it replaced went round the list and back: off never followed PostGraphile.
    const turns = stream(['ours', 'off', 'twin', 'postgraphile'], 30);
    const afterPostGraphile = (system: string) =>
      turns.filter((s, i) => i > 0 && s === system && turns[i - 1] === 'postgraphile').length;
    expect(afterPostGraphile('off')).toBe(10);
    expect(afterPostGraphile('ours')).toBe(10);
    expect(afterPostGraphile('twin')).toBe(10);
  });

  it('takes one system alone and refuses more than the bench compares', () => {
    expect(roundOrder(['ours'], 5)).toEqual(['ours']);
    expect(() => balancedRounds(0)).toThrow(RangeError);
    expect(() => balancedRounds(6)).toThrow(RangeError);
  });
});
