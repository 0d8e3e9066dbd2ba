import DataLoader from 'dataloader';
import {
  idListStatement,
  mapRows,
  type Row,
  type RowFields,
  rowQuery,
  type StatementReader,
  type StatementRunner,
  type Visibility,
} from '../soft-delete/index.js';
import { batchScheduleFn } from './batch-schedule.js';

/**
 * A per-request DataLoader that fetches rows by primary key in one `IN (...)` query per tick, as
 * plain rows tagged with `visibility` (see `readRows`), through the soft-delete filter of `em`
 * (the mode's statement reader), selecting the properties `fields` names at the time of each batch.
 * It must never outlive its request: it caches the rows the request saw, `run` carries the
 * request's abort signal and `fields` its operation's columns.
 */
export function entityLoader<T extends { id: number }>(
  em: StatementReader,
  entity: new (...args: never[]) => T,
  visibility: Visibility,
  run: StatementRunner,
  fields: RowFields,
): DataLoader<number, Row<T> | null> {
  const meta = em.getMetadata().get(entity);
  const id = `"r"."${meta.properties.id?.fieldNames[0]}"`;
  return new DataLoader(
    async (ids) => {
      const selected = fields(meta);
      const statement = await idListStatement(
        em,
        visibility,
        `${meta.className} by id: ${selected.join(',')}`,
        (list) => rowQuery(em, entity, 'r', () => selected).where(`${id} in (?)`, [list]),
        ids,
      );
      const rows = mapRows(em, entity, await run(em, statement), visibility);
      const byId = new Map(rows.map((row) => [(row as { id: number }).id, row]));
      return ids.map((id) => (byId.get(id) as Row<T> | undefined) ?? null);
    },
    { batchScheduleFn },
  );
}
