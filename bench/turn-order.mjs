// The order in which the systems take their turns, round after round. A system's turn runs
// slower right after some neighbours' (4-6% more CPU per request in the turn after PostGraphile's,
// whichever system holds it: docs/performance.md), so every system must follow every other
// equally often. Going round in one order and back (A B C D … D C B A) did not: each system only
// ever followed its two neighbours in the list, and off never followed PostGraphile on W1, while
// ours did in half its turns.
//
// What counts is the stream of turns, one round after another, not the rounds alone: the last
// system of a round is followed by the first of the next. So every round is a tour of all the
// systems from the first listed, and the next round starts from it again: a block of such rounds
// in which every ordered pair (x, then y) comes equally often makes the stream balanced, the step
// from one round into the next included. Such blocks exist for every number of turns a round
// holds in the bench: one ordered pair each for 2, 3, 5, 7, 8 and 9 (n − 1 rounds), two for 4 and
// 6 (2n − 2 rounds: no n − 1 tours of four or of six take every ordered pair once).

/**
 * Most turns a round holds: W2's five systems (ours, off, twin, PostGraphile, hand-written) and
 * W6's four, which go round together (run.mjs). The search below finds a block for nine in
 * about 0.4 s, once per run.
 */
const MOST = 9;
/** Each number of systems' block, searched for once: every round of a run asks for it. */
const blocks = new Map();

/**
 * One balanced block for `n` systems: rounds, each a permutation of `0…n-1` starting at 0, in
 * which every system directly follows every other equally often, counting the step from each
 * round's last system into the next round's first (system 0). The same arrays every time, not to
 * be changed.
 * @param {number} n how many systems take turns (1 to 9)
 * @returns {number[][]}
 */
export function balancedRounds(n) {
  if (!Number.isInteger(n) || n < 1 || n > MOST) throw new RangeError(`balancedRounds: ${n} systems`);
  if (n === 1) return [[0]];
  if (!blocks.has(n)) {
    const tours = permutations([...Array(n).keys()].slice(1)).map((rest) => [0, ...rest]);
    for (let times = 1; !blocks.has(n); times++) {
      const found = pick(tours, n, times);
      if (found) blocks.set(n, found);
    }
  }
  return blocks.get(n);
}

/**
 * The order of the systems in one round: round `index` of the balanced block repeated.
 * @template T
 * @param {readonly T[]} systems the systems taking turns
 * @param {number} index the round's number, counted over the whole invocation (every run goes on
 *   with the block where the last left off, so that the runs together complete blocks)
 * @returns {T[]}
 */
export function roundOrder(systems, index) {
  const rounds = balancedRounds(systems.length);
  // A warm-up's rounds come just before the run's first timed one, so their index can be negative.
  const at = ((index % rounds.length) + rounds.length) % rounds.length;
  return rounds[at].map((i) => systems[i]);
}

/**
 * Chooses `times × (n − 1)` different tours, in list order, whose steps, each closed back
 * to 0, take every ordered pair exactly `times` times; null if none do. A depth-first search over
 * at most 40,320 tours (nine turns), pruned as soon as a pair is taken too often.
 */
function pick(tours, n, times) {
  const taken = new Map();
  const chosen = [];
  const steps = (tour) => tour.map((x, i) => `${x}>${tour[(i + 1) % n]}`);
  const search = (from) => {
    if (chosen.length === times * (n - 1)) return true;
    for (let i = from; i < tours.length; i++) {
      const pairs = steps(tours[i]);
      if (pairs.some((pair) => (taken.get(pair) ?? 0) >= times)) continue;
      for (const pair of pairs) taken.set(pair, (taken.get(pair) ?? 0) + 1);
      chosen.push(tours[i]);
      if (search(i + 1)) return true;
      chosen.pop();
      for (const pair of pairs) taken.set(pair, taken.get(pair) - 1);
    }
    return false;
  };
  return search(0) ? chosen : null;
}

/** Every order of `items`. */
function permutations(items) {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations(items.filter((_, j) => j !== i)).map((rest) => [item, ...rest]),
  );
}
