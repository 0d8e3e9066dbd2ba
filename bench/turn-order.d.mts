/** See turn-order.mjs. */
export function balancedRounds(n: number): readonly (readonly number[])[];
export function roundOrder<T>(systems: readonly T[], index: number): T[];
