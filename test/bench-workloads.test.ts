import { describe, expect, it } from 'vitest';
import { bodies, historyOnly, type Sample } from '../bench/workloads.mjs';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const sample: Sample = {
  rowIds: [['Post', 1]],
  nodeIds: ['UG9zdDox'],
  words: ['music'],
  commentIds: ids('ours-and-off-', 20),
  twinCommentIds: ids('twin-', 20),
};

/** The comment ids a system's W5 deletes and restores. */
function written(system: string): Set<string> {
  const mutations = (bodies('W5', system, sample) ?? [])
    .map((body) => JSON.parse(body) as { query: string; variables?: { id: string } })
    .filter((body) => body.query.startsWith('mutation'));
  return new Set(mutations.map((body) => body.variables?.id ?? ''));
}

describe('the bench’s workloads', () => {
  it('gives off and its twin the writes ours serves, the twin on comments no one else writes', () => {
    // Off and the twin share the copy's database: writing the same comments, one server's delete
    // would land between the other's delete and restore.
    expect([...written('twin')].some((id) => written('off').has(id))).toBe(false);
    expect(written('off')).toEqual(written('ours'));
    expect([...written('twin')].every((id) => sample.twinCommentIds.includes(id))).toBe(true);
    expect(written('twin').size).toBeGreaterThan(0);
    // The peers have no such mutations: they get no W5 at all.
    expect(bodies('W5', 'postgraphile', sample)).toBeNull();
    expect(bodies('W5', 'handwritten', sample)).toBeNull();
  });

  it('lets the feature-off servers serve the auditor reads as history, never as a result', () => {
    for (const system of ['off', 'twin']) {
      expect(bodies('W6', system, sample)).toEqual(bodies('W6', 'ours', sample));
      expect(historyOnly('W6', system)).toBe(true);
      expect(historyOnly('W2', system)).toBe(false);
    }
    expect(historyOnly('W6', 'ours')).toBe(false);
    expect(historyOnly('W6', 'handwritten')).toBe(false);
    expect(bodies('W6', 'postgraphile', sample)).toBeNull();
  });
});
