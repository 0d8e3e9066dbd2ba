import { startApp } from './app.js';
import { signToken } from './auth/token.service.js';
import { loadConfig } from './config.js';
import { DEMO_USERNAMES } from './db/seeders/demo.seeder.js';
import { toGlobalId } from './graphql/global-id.js';
import { User } from './modules/user/user.entity.js';

const config = loadConfig();
const app = await startApp(config);
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

let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second signal skips the graceful path.
    if (++signals > 1) process.exit(1);
    console.log(`${signal} received: draining requests and shutting down.`);
    app.stop().then(
      () => process.exit(0),
      (error) => {
        console.error('Shutdown failed', error);
        process.exit(1);
      },
    );
  });
}
