import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';

/**
 * A per-request DataLoader that fetches entities by primary key in one `IN (...)` query per tick.
 * Bound to one entity manager, so it must never outlive the request (or the visibility mode)
 * the entity manager belongs to.
 */
export function entityLoader<T extends { id: number }>(
  em: EntityManager,
  entity: new (...args: never[]) => T,
): DataLoader<number, T | null> {
  return new DataLoader(async (ids) => {
    const rows = (await em.find(entity, { id: { $in: [...ids] } } as unknown as FilterQuery<T>)) as T[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
