import type { ParentEdge, SoftDeletableEntity, SoftDeleteModel } from './soft-delete.model.js';
import { quote, type SqlRunner } from './sql-runner.js';

/**
 * SQLSTATE raised when a row would become live (inserted, restored or moved) under a tombstoned
 * required or cascade parent. Under concurrency it means "a delete won the race": retry.
 */
export const HIDDEN_PARENT_SQLSTATE = 'TS001';

/**
 * SQLSTATE raised at commit when a row was tombstoned while a live row still depends on it (a
 * tombstone written by hand, without the cascade the toolkit's delete makes).
 */
export const LIVE_CHILDREN_SQLSTATE = 'TS002';

/** Every trigger and function the guards create starts with this; older ones are dropped by it. */
const PREFIX = 'tombstone_guard';

/**
 * The edges the invariant covers: a live row never has a tombstoned parent along a required
 * (NOT NULL) or a cascading relation. A nullable, non-cascading relation may point at a tombstone:
 * reads show it as null.
 */
export function guardedEdges(entity: SoftDeletableEntity): ParentEdge[] {
  return entity.parents.filter((edge) => edge.required || edge.cascades);
}

/**
 * The DDL that makes PostgreSQL keep the visibility invariant, "a live row never has a
 * tombstoned required or cascade parent", whatever writes to the tables (the toolkit, other code,
 * raw SQL) and however writes interleave:
 *
 * - **child side** (statement-level, after INSERT and after UPDATE, through transition tables):
 *   every row that became live, or moved to another parent, locks its guarded parents `FOR SHARE`
 *   and fails with {@link HIDDEN_PARENT_SQLSTATE} when one is tombstoned. `FOR SHARE` conflicts
 *   with the row lock a tombstoning `UPDATE` takes, so a concurrent delete either waits for this
 *   transaction and then cascades to the new row, or has committed first and this write fails.
 *   Parents are locked in one global order (parents' entities before children's), so two such
 *   writers cannot deadlock on each other.
 * - **parent side** (row-level constraint trigger, deferred to commit): a row tombstoned in the
 *   transaction may not keep live dependants; fails with {@link LIVE_CHILDREN_SQLSTATE}. The
 *   toolkit's delete cascades before commit, so only a tombstone written without its cascade trips it.
 *
 * The statements are idempotent (`create or replace`), generated from the model, and dropped and
 * recreated as a whole by {@link installInvariantGuards}.
 */
export function invariantGuardsSql(model: SoftDeleteModel): string[] {
  const rank = entityRanks(model);
  const statements: string[] = [];
  for (const entity of model.entities.values()) {
    const edges = guardedEdges(entity).sort((a, b) => (rank.get(a.parent) ?? 0) - (rank.get(b.parent) ?? 0));
    if (edges.length > 0) statements.push(...childSide(model, entity, edges));
    const dependants = entity.children.filter((edge) => edge.required || edge.cascades);
    if (dependants.length > 0) statements.push(...parentSide(model, entity, dependants));
  }
  return statements;
}

/**
 * Installs the guards in one transaction, replacing any earlier version, then checks that the
 * data already satisfies the invariant.
 * @throws Error listing the rows that break the invariant (data written before the guards existed)
 */
export async function installInvariantGuards(run: SqlRunner, model: SoftDeleteModel): Promise<void> {
  // Several servers may start at once: one installs, the others wait and then replace the same text.
  await run(`select pg_advisory_xact_lock(hashtext('${PREFIX}'))`);
  const stale = await run<{ sql: string }>(
    `select format('drop trigger if exists %I on %s', t.tgname, t.tgrelid::regclass) as sql
       from pg_trigger t where not t.tgisinternal and t.tgname like '${PREFIX}%'`,
  );
  for (const { sql } of stale) await run(sql);
  for (const statement of invariantGuardsSql(model)) await run(statement);
  const broken = await invariantViolations(run, model);
  if (broken.length > 0) {
    throw new Error(
      `Live rows under tombstoned parents (repair them, e.g. by tombstoning them in their parent's batch):\n- ${broken.join('\n- ')}`,
    );
  }
}

/**
 * Every live row whose guarded parent is tombstoned, as `Child:id under Parent:id` (at most 20).
 * Empty while the invariant holds; tests run it over the whole database after concurrent writes.
 */
export async function invariantViolations(run: SqlRunner, model: SoftDeleteModel): Promise<string[]> {
  const found: string[] = [];
  for (const entity of model.entities.values()) {
    for (const edge of guardedEdges(entity)) {
      const parent = model.require(edge.parent);
      const rows = await run<{ child: unknown; parent: unknown }>(
        `select c.${quote(entity.idColumn)} as child, p.${quote(parent.idColumn)} as parent ` +
          `from ${quote(entity.table)} c join ${quote(parent.table)} p on p.${quote(parent.idColumn)} = c.${quote(edge.column)} ` +
          `where c.${deletedAt(entity)} is null and p.${deletedAt(parent)} is not null limit 20`,
      );
      for (const row of rows) found.push(`${entity.name}:${row.child} under ${parent.name}:${row.parent}`);
    }
  }
  return found;
}

function childSide(model: SoftDeleteModel, entity: SoftDeletableEntity, edges: ParentEdge[]): string[] {
  const table = quote(entity.table);
  const id = quote(entity.idColumn);
  const body = (changed: string) =>
    edges
      .map((edge) => {
        const parent = model.require(edge.parent);
        const fk = quote(edge.column);
        const pid = quote(parent.idColumn);
        // Lock first, then read in a statement of its own: its fresh snapshot sees a tombstone that
        // a delete we waited for has just committed (a locking read's filter could skip the row).
        // Both run as dynamic SQL: a static statement's plan is cached for the connection from its
        // first run, and one planned for a single row turns a restore of thousands quadratic.
        return `
  execute $q$select 1 from ${quote(parent.table)} q where q.${pid} in (select c.${fk} from (${changed}) c)
   order by q.${pid} for share$q$;
  v_child := null;
  execute $q$select c.${id}::text, p.${pid}::text
    from (${changed}) c join ${quote(parent.table)} p on p.${pid} = c.${fk}
   where p.${deletedAt(parent)} is not null limit 1$q$ into v_child, v_parent;
  if v_child is not null then
    raise exception using errcode = '${HIDDEN_PARENT_SQLSTATE}',
      message = format('%s %s cannot be live while %s %s is deleted', '${entity.name}', v_child, '${parent.name}', v_parent),
      detail = '${entity.name}.${edge.property}';
  end if;`;
      })
      .join('');
  const liveInserted = `select * from new_rows where ${deletedAt(entity)} is null`;
  const fkChanged = edges
    .map((edge) => `n.${quote(edge.column)} is distinct from o.${quote(edge.column)}`)
    .join(' or ');
  // A row whose primary key changed has no old row to compare with: it is checked too.
  const liveUpdated =
    `select n.* from new_rows n left join old_rows o on o.${id} = n.${id} ` +
    `where n.${deletedAt(entity)} is null and (o.${id} is null or o.${deletedAt(entity)} is not null or ${fkChanged})`;
  const fn = (name: string, changed: string) =>
    `create or replace function ${quote(name)}() returns trigger language plpgsql as $$
declare v_child text; v_parent text;
begin${body(changed)}
  return null;
end $$`;
  const insertFn = `${PREFIX}_${entity.table}_ins`;
  const updateFn = `${PREFIX}_${entity.table}_upd`;
  return [
    fn(insertFn, liveInserted),
    fn(updateFn, liveUpdated),
    `create trigger ${quote(insertFn)} after insert on ${table} referencing new table as new_rows ` +
      `for each statement execute function ${quote(insertFn)}()`,
    `create trigger ${quote(updateFn)} after update on ${table} referencing old table as old_rows new table as new_rows ` +
      `for each statement execute function ${quote(updateFn)}()`,
  ];
}

function parentSide(model: SoftDeleteModel, entity: SoftDeletableEntity, dependants: ParentEdge[]): string[] {
  const name = `${PREFIX}_${entity.table}_dependants`;
  const checks = dependants
    .map((edge) => {
      const child = model.require(edge.child);
      return `
  select ${quote(child.idColumn)}::text into v_child from ${quote(child.table)}
   where ${quote(edge.column)} = new.${quote(entity.idColumn)} and ${deletedAt(child)} is null limit 1;
  if found then
    raise exception using errcode = '${LIVE_CHILDREN_SQLSTATE}',
      message = format('%s %s is deleted but %s %s beneath it is live; delete it through the toolkit so that it cascades',
                       '${entity.name}', new.${quote(entity.idColumn)}, '${child.name}', v_child),
      detail = '${edge.child}.${edge.property}';
  end if;`;
    })
    .join('');
  return [
    `create or replace function ${quote(name)}() returns trigger language plpgsql as $$
declare v_child text;
begin
  -- Restored again later in the same transaction: nothing to check.
  perform 1 from ${quote(entity.table)} where ${quote(entity.idColumn)} = new.${quote(entity.idColumn)} and ${deletedAt(entity)} is not null;
  if not found then return null; end if;${checks}
  return null;
end $$`,
    `create constraint trigger ${quote(name)} after update on ${quote(entity.table)} deferrable initially deferred ` +
      `for each row when (old.${deletedAt(entity)} is null and new.${deletedAt(entity)} is not null) ` +
      `execute function ${quote(name)}()`,
  ];
}

/** Parents' entities rank before their children's: the global order in which parents are locked. */
export function entityRanks(model: SoftDeleteModel): Map<string, number> {
  const ranks = new Map<string, number>();
  const visit = (name: string, path: Set<string>): number => {
    const known = ranks.get(name);
    if (known !== undefined) return known;
    if (path.has(name)) return 0;
    path.add(name);
    let rank = 0;
    for (const edge of model.require(name).parents) {
      if (edge.parent !== name) rank = Math.max(rank, visit(edge.parent, path) + 1);
    }
    path.delete(name);
    ranks.set(name, rank);
    return rank;
  };
  for (const name of model.entities.keys()) visit(name, new Set());
  return ranks;
}

function deletedAt(entity: SoftDeletableEntity): string {
  return quote(entity.meta.properties.deletedAt?.fieldNames[0] as string);
}
