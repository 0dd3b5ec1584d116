import { recordRateLimited, refusalResponse, type Logger } from '@ably-chat-auth/core';
import { createFetchTokenRoute } from '@ably-chat-auth/core/fetch';
import { demoClientId, demoPolicy, demoUserClaims, type DemoConfig, type DemoUser } from '@ably-chat-auth-examples/shared';
import type { Handler, MiddlewareHandler } from 'hono';
import { limitPerClient, type HonoExampleEnv, type RateLimitStore } from './rate-limit.js';
import type { Sessions } from './sessions.js';

/** The sessions the route reads the user from, where its limit counts (default in memory) and where it logs faults. */
export interface TokenRouteOptions {
  sessions: Sessions;
  rateLimitStore?: RateLimitStore;
  logger?: Logger | false;
}

/**
 * The token route, mounted with `app.all('/api/ably-token', ...tokenRoute(config, { sessions }))`:
 * a per-client limit answering 429 in Ably's error shape, then core's Fetch route as it is (every
 * method reaches it, so others get its 405 with `Allow`).
 */
export function tokenRoute(config: DemoConfig, options: TokenRouteOptions): [MiddlewareHandler<HonoExampleEnv>, Handler<HonoExampleEnv>] {
  const limit = limitPerClient(config.trustProxyHops, config.tokenRateLimitPerMinute, options.rateLimitStore, (c, seconds) => {
    // The limiter answers before the token route runs: count the refusal in the route's metrics.
    recordRateLimited({ method: c.req.method });
    const { headers, body } = refusalResponse(429, `Too many token requests; try again in ${seconds} s.`, { 'Retry-After': String(seconds) });
    return c.body(body, 429, headers);
  });
  // The session is read before the route, so a store that fails (Redis down) reaches the app's
  // onError (503, as for login); core would answer a failing resolveUser with 500.
  const sessionUsers = new WeakMap<Request, DemoUser | undefined>();
  const issue = createFetchTokenRoute<DemoUser>({
    apiKey: config.apiKey,
    resolveUser: (request) => sessionUsers.get(request), // set by POST /login; never read from the request
    policy: demoPolicy, // lobby: all; announcements: read-only (admin moderates); own DMs; banned: 403
    userClaims: demoUserClaims,
    clientId: demoClientId,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  return [
    limit,
    async (c) => {
      sessionUsers.set(c.req.raw, await options.sessions.userOf(c.req.raw));
      return issue(c.req.raw);
    },
  ];
}
