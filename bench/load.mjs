// One autocannon run, in its own process so the load generator never competes inside a server.
// Reads a JSON spec from the file named by argv[2], prints autocannon's result as JSON.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let turn = 0;
const pickBody = () => {
  const bodies = spec.bodies;
  return bodies[turn++ % bodies.length];
};
const result = await autocannon({
  url: spec.url,
  method: 'POST',
  connections: spec.connections,
  duration: spec.duration,
  ...(spec.rate ? { overallRate: spec.rate } : {}),
  headers: {
    'content-type': 'application/json',
    ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}),
  },
  requests: [{ setupRequest: (request) => ({ ...request, body: pickBody() }) }],
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    // autocannon's histogram reports p97.5, not p95.
    latency: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99 },
    errors: result.errors + result.non2xx,
    timeouts: result.timeouts,
  }),
);
