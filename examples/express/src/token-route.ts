import type { Logger } from '@ably-chat-auth/core';
import { createTokenHandler, recordRateLimited, refusalResponse, writeTokenRouteResponse } from '@ably-chat-auth/express';
import { demoClientId, demoPolicy, demoUserClaims, type DemoConfig, type DemoUser } from '@ably-chat-auth-examples/shared';
import type { Request, RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { retryAfterSeconds } from './retry-after.js';

/** Where the token route's limit counts (default in memory) and logs faults (default `console`). */
export interface TokenRouteOptions {
  rateLimitStore?: Store;
  logger?: Logger | false;
}

/**
 * The token route, mounted with `app.all('/api/ably-token', ...tokenRoute(config))` after
 * express-session: a per-address limit (an IPv6 client by its /56, express-rate-limit's default
 * key) answering 429 in Ably's error shape, then the handler issuing the session user's token.
 */
export function tokenRoute(config: DemoConfig, options: TokenRouteOptions = {}): RequestHandler[] {
  const limit = rateLimit({
    ...(options.rateLimitStore ? { store: options.rateLimitStore } : {}),
    windowMs: 60_000,
    limit: config.tokenRateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      const seconds = retryAfterSeconds(req);
      // The limiter answers before the token route runs: count the refusal in the route's metrics.
      recordRateLimited({ method: req.method });
      writeTokenRouteResponse(res, refusalResponse(429, `Too many token requests; try again in ${seconds} s.`, { 'Retry-After': String(seconds) }));
    },
  });
  const issue = createTokenHandler<DemoUser>({
    apiKey: config.apiKey,
    resolveUser: (req: Request) => req.session.user, // set by POST /login; never read from the request
    policy: demoPolicy, // lobby: all; announcements: read-only (admin moderates); own DMs; banned: 403
    userClaims: demoUserClaims,
    clientId: demoClientId,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  return [limit, issue];
}
