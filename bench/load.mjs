// One autocannon run, in its own process so the load generator never competes inside a server.
// Reads a JSON spec from the file named by argv[2], prints the result as JSON. Latency
// percentiles come from every response's own time (autocannon's summary has p97.5, not p95).
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let turn = 0;
const latencies = [];
const instance = autocannon({
  url: spec.url,
  method: 'POST',
  connections: spec.connections,
  duration: spec.duration,
  ...(spec.rate ? { overallRate: spec.rate } : {}),
  headers: {
    'content-type': 'application/json',
    ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}),
  },
  requests: [{ setupRequest: (request) => ({ ...request, body: spec.bodies[turn++ % spec.bodies.length] }) }],
});
instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
const result = await instance;
latencies.sort((a, b) => a - b);
const percentile = (p) =>
  latencies.length === 0
    ? null
    : latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    seconds: result.duration,
    // Every response's time, for a caller that merges several runs' percentiles (`spec.raw`).
    ...(spec.raw ? { latencies: latencies.map((ms) => Math.round(ms * 100) / 100) } : {}),
    latency: { p50: percentile(50), p95: percentile(95), p99: percentile(99) },
    errors: result.errors + result.non2xx,
    timeouts: result.timeouts,
  }),
);
