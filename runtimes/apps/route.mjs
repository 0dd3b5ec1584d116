// The token route every server cell runs: ten lines, as a user writes it. The user comes from an
// `x-user` header (a stand-in for the app's session), 'banned' is refused, everyone else gets the lobby.
import { createFetchTokenRoute } from '@ably-chat-auth/core/fetch';

export function createRoute(apiKey) {
  const route = createFetchTokenRoute({
    apiKey,
    resolveUser: (request) => request.headers.get('x-user'),
    policy: (user) => (user === 'banned' ? null : { lobby: 'all' }),
    clientId: (user) => user,
  });
  return async (request) => (/\/(__)?bench$/.test(new URL(request.url).pathname) ? bench(route) : route(request));
}

/** Signs tokens for about half a second and says how many per second, and which HMAC the runtime has. */
async function bench(route) {
  const issuer = route.route.issuer;
  const started = Date.now();
  let tokens = 0;
  while (Date.now() - started < 500) {
    for (let i = 0; i < 50; i++, tokens++) await issuer.issue({ clientId: `user-${i}`, grants: { lobby: 'all', [`dms:user-${i}:*`]: ['send', 'receive'] } });
  }
  let hmac = 'WebCrypto';
  try {
    if (globalThis.process?.getBuiltinModule?.('node:crypto')) hmac = 'node:crypto';
  } catch {
    // The edge runtime's process throws here: core falls back to WebCrypto, as this does.
  }
  return Response.json({ tokensPerSecond: Math.round(tokens / ((Date.now() - started) / 1000)), hmac });
}
