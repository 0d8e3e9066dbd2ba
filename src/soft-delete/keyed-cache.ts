/**
 * The inner map `outer` holds for `owner` (an ORM's metadata, an entity's), made empty on first
 * use: the toolkit's caches live per ORM object, in a `WeakMap`, so that they go when it does.
 */
export function cacheFor<O extends object, K, V>(outer: WeakMap<O, Map<K, V>>, owner: O): Map<K, V> {
  let inner = outer.get(owner);
  if (!inner) {
    inner = new Map();
    outer.set(owner, inner);
  }
  return inner;
}
