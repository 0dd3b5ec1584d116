import type { Logger } from '@ably-chat-auth/core';
import { ablyChatAuth, recordRateLimited, refusalResponse, writeTokenRouteResponse } from '@ably-chat-auth/fastify';
import { DEMO_ROUTES, demoClientId, demoPolicy, demoUserClaims, type DemoConfig, type DemoUser } from '@ably-chat-auth-examples/shared';
import type { FastifyInstance } from 'fastify';
import { limitPerAddress, type RateLimitStoreOptions } from './rate-limit.js';

/** Where the token route's limit counts (default in memory) and logs faults (default `console`). */
export interface TokenRouteOptions {
  rateLimitStore?: RateLimitStoreOptions;
  logger?: Logger | false;
}

/**
 * The token route at `/api/ably-token`, registered after @fastify/session with
 * `app.register(tokenRoute(config))`: a scope of its own, so its per-address limit (429 in Ably's
 * error shape) applies to it alone, holding the ably-chat-auth plugin.
 */
export function tokenRoute(config: DemoConfig, options: TokenRouteOptions = {}) {
  return async (scope: FastifyInstance): Promise<void> => {
    const limit = await limitPerAddress(scope, 'token', config.tokenRateLimitPerMinute, options.rateLimitStore, (reply, seconds) => {
      // The limiter answers before the token route runs: count the refusal in the route's metrics.
      recordRateLimited({ method: reply.request.method });
      return writeTokenRouteResponse(reply, refusalResponse(429, `Too many token requests; try again in ${seconds} s.`, { 'Retry-After': String(seconds) }));
    });
    scope.addHook('onRequest', limit);
    await scope.register(ablyChatAuth<DemoUser>, {
      path: DEMO_ROUTES.token,
      apiKey: config.apiKey,
      resolveUser: (request) => request.session.user, // set by POST /login; never read from the request
      policy: demoPolicy, // lobby: all; announcements: read-only (admin moderates); own DMs; banned: 403
      userClaims: demoUserClaims,
      clientId: demoClientId,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  };
}
