import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gid } from '../support/ids.js';
import { startTestApp, startTwinApp, type TestApp } from '../support/test-app.js';
import { EntityPath } from './entity-path.js';
import { type Actors, buildMicroblog, createActors, microblogFields, nth } from './microblog.js';
import { checkProbe, probe, resolveProbes } from './probes.js';
import { randomOperation } from './query-builder.js';

/*
 * Differential tests of the read path, on the leak hunt's random microblogs:
 * - compiled execution (graphql-jit, what hot documents run) and graphql-js's interpreter answer
 *   every random query of the leak hunt byte for byte alike, data and errors, for anonymous
 *   readers, ordinary users and auditors (includeDeleted true, false or left out at random);
 * - the plain-row read path (id loaders, per-parent windows, cached filtered SQL) returns what
 *   MikroORM's entity path returns (`em.find`, `em.findOne`, `em.count` through the soft-delete
 *   filter, or with it off for `includeDeleted: true`): the same ids in the same order, the same
 *   totalCount, on first and next pages, at the root and under many parents in one request.
 * Seeded like the leak hunt: LEAK_HUNT_SEED replays a run; DIFFERENTIAL_RUNS sets the runs per
 * property.
 */
const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? 100);
const SEED = process.env.LEAK_HUNT_SEED ? Number(process.env.LEAK_HUNT_SEED) : undefined;

let compiled: TestApp;
let interpreted: TestApp;
let entities: EntityPath;
let as: Actors;
let run = 0;
beforeAll(async () => {
  // The test app compiles every document on first sight; its twin never compiles.
  compiled = await startTestApp();
  expect(compiled.app.config.execution.compileAfter).toBe(1);
  interpreted = await startTwinApp(compiled, {
    execution: { ...compiled.app.config.execution, compileAfter: 0 },
  });
  entities = new EntityPath(compiled.app);
  as = await createActors(compiled);
});
afterAll(async () => {
  await interpreted?.stop();
  await compiled?.stop();
});

const options = {
  numRuns: RUNS,
  ...(SEED === undefined ? {} : { seed: SEED }),
  // At most 25 s per property (100 runs take about 15 s on an idle 2-core machine);
  // DIFFERENTIAL_RUNS raises both the runs and this budget.
  interruptAfterTimeLimit: Math.max(25_000, RUNS * 250),
  markInterruptAsFailure: false,
};

it('compiled and interpreted execution give byte-identical responses to every random query', {
  timeout: 600_000,
}, async () => {
  const scenario = fc.record({
    ...microblogFields,
    queries: fc.array(fc.integer(), { minLength: 1, maxLength: 6 }),
  });
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const { users, ids } = await buildMicroblog(compiled, as, s, `d${++run}`);
      // A malformed id of each lookup's type too: their BAD_USER_INPUT errors are compared as well.
      const malformed = ['User', 'Post', 'Comment'].map((type) =>
        Buffer.from(`${type}:x`).toString('base64url'),
      );
      const known = [
        ...ids.User.map(gid.user),
        ...ids.Post.map(gid.post),
        ...ids.Comment.map(gid.comment),
        ...malformed,
      ];
      for (const seed of s.queries) {
        const reading = Math.abs(seed) % 3; // anonymous, an ordinary user, an auditor
        const { source } = randomOperation(seed, known, reading === 2);
        const reader =
          reading === 0 ? undefined : reading === 1 ? as.user(nth(users, seed >>> 2)) : as.auditor();
        const fromCompiled = await compiled.raw(source, {}, reader);
        const fromInterpreted = await interpreted.raw(source, {}, reader);
        expect(fromCompiled, source).toEqual(fromInterpreted);
        // A reader the scenario deleted no longer authenticates (401); every other request runs.
        const expected = reading === 1 && fromCompiled.status === 401 ? 401 : 200;
        expect(fromCompiled.status, `${source} → ${fromCompiled.body}`).toBe(expected);
      }
    }),
    options,
  );
});

it('the plain-row read path returns what MikroORM entities return, live and with includeDeleted', {
  timeout: 600_000,
}, async () => {
  const scenario = fc.record({
    ...microblogFields,
    requests: fc.array(fc.array(probe, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
  });
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const { ids } = await buildMicroblog(compiled, as, s, `d${++run}`);
      for (const request of s.requests) {
        const { probes, document } = resolveProbes(request, ids);
        for (const later of [false, true]) {
          const source = document(later);
          if (!source) break;
          const res = await compiled.gql(source, {}, as.auditor());
          expect(res.errors, source).toBeUndefined();
          for (const p of probes) {
            if (later && !p.root.after && !p.nested?.after) continue;
            await checkProbe(p, res.data?.[p.alias], entities, source, later);
          }
        }
      }
    }),
    options,
  );
});
