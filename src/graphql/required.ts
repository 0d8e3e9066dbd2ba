/**
 * Unwraps a to-one relation the schema declares non-null. A missing row here means the
 * database broke an invariant (a dangling foreign key), so it is an internal error, not a
 * client one, and is masked like any other.
 */
export function required<T>(value: T | null | undefined, type: string): T {
  if (value == null) throw new Error(`Invariant broken: a required ${type} is missing.`);
  return value;
}

/** Loads a to-one relation the schema declares non-null, through its loader (see {@link required}). */
export function loadRequired<K, T>(
  loader: { load(key: K): Promise<T | null> },
  key: K,
  type: string,
): Promise<T> {
  // A `then`, not an async function: one promise per row fewer on the hottest to-one fields.
  return loader.load(key).then((value) => required(value, type));
}
