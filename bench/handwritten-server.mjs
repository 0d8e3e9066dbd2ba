// The benchmark's floor: a hand-written server that answers W2 (and W6, the same with tombstones)
// with one SQL statement (json_agg over lateral subqueries) through pg, hiding tombstones and rows
// under hidden parents itself. How close the real server comes to this is the database's own limit.
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE ?? 16),
  // Ours' default idle timeout, as for PostGraphile (see postgraphile-server.mjs).
  idleTimeoutMillis: 60_000,
});
/**
 * W2 as one statement. `live` hides tombstones and rows under hidden parents as the filter does
 * (a comment by a deleted author is hidden); W6, an auditor's `includeDeleted: true` on every
 * list, drops those conditions and shows each comment's author as stored.
 */
const nested = (live) => {
  const alive = (alias) => (live ? ` and ${alias}.deleted_at is null` : '');
  const comments = `comment c join users cu on cu.id = c.author_id
    where c.post_id = p.id and c.parent_id is null${alive('c')}${alive('cu')}`;
  return `
  select coalesce(json_agg(json_build_object('posts', json_build_object('nodes', u.posts)) order by u.created_at desc, u.id desc), '[]') as nodes
  from (
    select us.id, us.created_at, coalesce((
      select json_agg(json_build_object('comments', json_build_object(
        'totalCount', (select count(*) from ${comments}),
        'nodes', coalesce((
          select json_agg(json_build_object('body', c.body, 'author', json_build_object('username', c.username)) order by c.created_at, c.id)
          from (select c.body, c.created_at, c.id, cu.username from ${comments}
                order by c.created_at, c.id limit $2) c
        ), '[]'))) order by p.created_at desc, p.id desc)
      from (select p.id, p.created_at from post p where p.author_id = us.id${alive('p')}
            order by p.created_at desc, p.id desc limit $2) p
    ), '[]') as posts
    from (select id, created_at from users us where true${alive('us')} order by created_at desc, id desc limit $1) us
  ) u`;
};
const W2 = nested(true);
const W6 = nested(false);

createServer(async (req, res) => {
  if (req.method !== 'POST') return res.writeHead(404).end();
  let body = '';
  for await (const chunk of req) body += chunk;
  // The request body is always W2 or W6 (W2 with `includeDeleted: true` on every list).
  const { rows } = await pool.query(body.includes('includeDeleted: true') ? W6 : W2, [20, 10]);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`{"data":{"users":{"nodes":${JSON.stringify(rows[0].nodes)}}}}`);
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
