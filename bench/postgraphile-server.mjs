// The peer a user would otherwise pick: PostGraphile 5 over the same tables, connected as a
// non-owner role whose row-level security policies hide tombstones (see bench/run.mjs).
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ['public'],
      // The idle timeout is ours' default (DB_POOL_IDLE_TIMEOUT_MS), not pg's 10 s: no system's pool
      // may close its connections between two of its turns (see bench/run.mjs).
      poolConfig: { max: Number(process.env.POOL_SIZE ?? 16), idleTimeoutMillis: 60_000 },
    }),
  ],
  grafserv: { graphqlPath: '/graphql', graphiql: false },
  grafast: { explain: false },
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (error) => console.error(error));
serv
  .addTo(server)
  .then(() => server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready')));
