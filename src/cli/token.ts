import { parseArgs } from 'node:util';
import { signToken } from '../auth/token.service.js';
import { loadConfig } from '../config.js';

/**
 * `npm run token -- --sub <user global id> [--scope "a b"] [--ttl 1h]`: prints a bearer token
 * signed with the same secret the server uses (JWT_SECRET, or the development default). A TTL
 * over JWT_MAX_TTL (default 24h) is refused.
 */
const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    scope: { type: 'string', default: '' },
    ttl: { type: 'string', default: '1h' },
  },
});

if (!values.sub) {
  console.error('Usage: npm run token -- --sub <user global id> [--scope "a b"] [--ttl 1h]');
  process.exit(2);
}
const config = loadConfig();
if (!config.token.secret) {
  console.error('The server verifies tokens against JWT_JWKS_URL; mint them with that identity provider.');
  process.exit(2);
}
const scopes = values.scope.split(' ').filter(Boolean);
try {
  console.log(await signToken(config.token, { sub: values.sub, scopes, ttl: values.ttl }));
} catch (error) {
  // A TTL over JWT_MAX_TTL: the server would refuse the token, so none is printed.
  console.error((error as Error).message);
  process.exit(2);
}
