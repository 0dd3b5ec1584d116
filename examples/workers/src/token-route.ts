import { refusalResponse, type Logger } from '@ably-chat-auth/core';
import { createFetchTokenRoute } from '@ably-chat-auth/core/fetch';
import type { DemoConfig } from '@ably-chat-auth-examples/shared/src/config';
import { demoClientId, demoPolicy, demoUserClaims, type DemoUser } from '@ably-chat-auth-examples/shared/src/policy';
import type { Context, Handler, MiddlewareHandler } from 'hono';
import { limitPerClient, RETRY_AFTER_SECONDS, type WorkersExampleEnv } from './rate-limit.js';
import type { Sessions } from './sessions.js';

/** The sessions of a request (KV is reached through its env) and where the route logs faults (default `console`). */
export interface TokenRouteOptions {
  sessionsOf: (c: Context<WorkersExampleEnv>) => Sessions;
  logger?: Logger | false;
}

/**
 * The token route, mounted with `app.all('/api/ably-token', ...tokenRoute(config, { sessionsOf }))`:
 * a per-address limit (the `TOKEN_LIMIT` binding) answering 429 in Ably's error shape, then core's
 * Fetch route as it is (every method reaches it, so others get its 405 with `Allow`).
 */
export function tokenRoute(config: DemoConfig, options: TokenRouteOptions): [MiddlewareHandler<WorkersExampleEnv>, Handler<WorkersExampleEnv>] {
  const limit = limitPerClient('TOKEN_LIMIT', config.trustProxyHops, (c) => {
    const retryAfter = { 'Retry-After': String(RETRY_AFTER_SECONDS) };
    const { headers, body } = refusalResponse(429, `Too many token requests; try again in ${RETRY_AFTER_SECONDS} s.`, retryAfter);
    return c.body(body, 429, headers);
  });
  // The session is read from KV through the request's env just before the route runs.
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
      sessionUsers.set(c.req.raw, await options.sessionsOf(c).userOf(c.req.raw));
      return issue(c.req.raw);
    },
  ];
}
