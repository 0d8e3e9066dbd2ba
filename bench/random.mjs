// The one seeded random generator of the bench and the tests: the seeder's data, the ratios'
// intervals and the leak hunt's random operations come out the same for the same seed.

/**
 * A small seedable PRNG (mulberry32): the same seed always gives the same sequence.
 * @param {number} seed
 * @returns {() => number} numbers in [0, 1)
 */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
