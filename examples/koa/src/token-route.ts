import type { Logger } from '@ably-chat-auth/core';
import { createTokenHandler, recordRateLimited, refusalResponse, writeTokenRouteResponse } from '@ably-chat-auth/koa';
import { demoClientId, demoPolicy, demoRedisKeys, demoUserClaims, type DemoConfig, type DemoUser } from '@ably-chat-auth-examples/shared';
import type { Redis } from 'ioredis';
import type { DefaultState, Middleware } from 'koa';
import { limitPerIp } from './rate-limit.js';

/** Where the token route's limit counts (Redis when given, else memory) and logs faults (default `console`). */
export interface TokenRouteOptions {
  redis?: Redis;
  logger?: Logger | false;
}

/**
 * The token route, mounted with `router.all('/api/ably-token', ...tokenRoute(config))` after
 * koa-session: a per-address limit answering 429 in Ably's error shape, then the handler issuing
 * the session user's token.
 */
export function tokenRoute<Context extends { session: { user?: DemoUser } | null }>(
  config: DemoConfig,
  options: TokenRouteOptions = {},
): Middleware<DefaultState, Context>[] {
  const namespace = demoRedisKeys('koa').tokenLimit.replace(/:$/, '');
  const limit = limitPerIp<Context>(options.redis, config.tokenRateLimitPerMinute, namespace, (ctx, seconds) => {
    // The limiter answers before the token route runs: count the refusal in the route's metrics.
    recordRateLimited({ method: ctx.method });
    writeTokenRouteResponse(ctx, refusalResponse(429, `Too many token requests; try again in ${seconds} s.`, { 'Retry-After': String(seconds) }));
  });
  const issue = createTokenHandler<DemoUser, DefaultState, Context>({
    apiKey: config.apiKey,
    resolveUser: (ctx) => ctx.session?.user, // set by POST /login; never read from the request
    policy: demoPolicy, // lobby: all; announcements: read-only (admin moderates); own DMs; banned: 403
    userClaims: demoUserClaims,
    clientId: demoClientId,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  return [limit, issue];
}
