import type { TestApp } from './test-app.js';

/**
 * The microblog's visibility invariant, checked over the whole database with hand-written SQL
 * (independent of the toolkit's own guards): no live row under a tombstoned required or cascade
 * parent. Returns the offenders, e.g. `comment 12 under post 3`; empty while the invariant holds.
 */
export async function invariantOffenders(t: TestApp): Promise<string[]> {
  const rows = await t.sql<{ offender: string }>(`
    select 'post ' || p.id || ' under user ' || u.id as offender
      from post p join users u on u.id = p.author_id
     where p.deleted_at is null and u.deleted_at is not null
    union all
    select 'comment ' || c.id || ' under post ' || p.id
      from comment c join post p on p.id = c.post_id
     where c.deleted_at is null and p.deleted_at is not null
    union all
    select 'comment ' || c.id || ' under user ' || u.id
      from comment c join users u on u.id = c.author_id
     where c.deleted_at is null and u.deleted_at is not null
    union all
    select 'comment ' || c.id || ' under comment ' || r.id
      from comment c join comment r on r.id = c.parent_id
     where c.deleted_at is null and r.deleted_at is not null`);
  return rows.map((row) => row.offender);
}

/**
 * Batches whose delete event does not list exactly the rows that carry the batch id, as
 * `batch: listed [...] stored [...]`. Only meaningful where no restore moved rows between batches.
 */
export async function auditMismatches(t: TestApp): Promise<string[]> {
  const rows = await t.sql<{ batch: string; listed: string[]; stored: string[] }>(`
    with stored as (
      select delete_batch as batch, 'User:' || id as ref from users where delete_batch is not null
      union all select delete_batch, 'Post:' || id from post where delete_batch is not null
      union all select delete_batch, 'Comment:' || id from comment where delete_batch is not null
    )
    select a.batch_id as batch,
           (select array_agg(r order by r) from unnest(a.entity_refs) r) as listed,
           (select array_agg(s.ref order by s.ref) from stored s where s.batch = a.batch_id) as stored
      from soft_delete_audit a
     where a.action = 'delete'
       and not exists (select 1 from soft_delete_audit later where later.batch_id = a.batch_id and later.action <> 'delete')`);
  return rows
    .filter((row) => JSON.stringify(row.listed ?? []) !== JSON.stringify(row.stored ?? []))
    .map((row) => `${row.batch}: listed ${JSON.stringify(row.listed)} stored ${JSON.stringify(row.stored)}`);
}

/** Posts whose `commentCount` would disagree with their live comments' total (it must not). */
export async function liveCommentCounts(t: TestApp, postId: number): Promise<number> {
  const [row] = await t.sql<{ n: string }>(
    'select count(*) as n from comment where post_id = $1 and deleted_at is null',
    [postId],
  );
  return Number(row?.n ?? 0);
}
