/** One turn of each system, next to each other in the same run. */
export interface TurnPair {
  a: { requests: number; seconds: number };
  b: { requests: number; seconds: number };
}

/** See spread.mjs. */
export function pairedRatio(
  pairs: readonly TurnPair[],
  options?: { draws?: number; level?: number; seed?: number },
): { ratio: number; low: number; high: number } | null;
