import { Injectable, ServiceUnavailableException, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { DEMO_ROUTES, RATE_LIMIT_IPV6_SUBNET, demoRedisKeys, storeUnavailableResponse, type DemoConfig } from '@ably-chat-auth-examples/shared';
import { recordRateLimited } from '@ably-chat-auth/nestjs';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';

/**
 * The route an HTTP request matched (e.g. `/api/ably-token`), not its raw path: Express also
 * matches `/API/ably-token/`, which must count against the same limit.
 */
function matchedRoute(context: ExecutionContext): string | undefined {
  return (context.switchToHttp().getRequest<Request>().route as { path?: string } | undefined)?.path;
}

function retryAfterSeconds(detail: ThrottlerLimitDetail): number {
  return Math.min(60, Math.max(1, detail.timeToBlockExpire));
}

/** The prefixes of the throttlers' keys in Redis. */
const REDIS_KEYS = demoRedisKeys('nestjs');

/**
 * Per-IP limits with @nestjs/throttler: `login` on `POST /login`, `token` on the token route (GET
 * and POST share one count), counted in Redis across instances when a client is given
 * (`@nest-lab/throttler-storage-redis`), else in memory. The token route's 429 is answered in
 * Ably's error shape by the ably-chat-auth route's own exception filter; the others by the app's
 * JSON error filter.
 */
export function demoThrottlerOptions(config: DemoConfig, redis?: Redis): ThrottlerModuleOptions {
  return {
    ...(redis ? { storage: new ThrottlerStorageRedisService(redis) } : {}),
    throttlers: [
      { name: 'login', ttl: 60_000, limit: config.loginRateLimitPerMinute, skipIf: (context) => matchedRoute(context) !== DEMO_ROUTES.login },
      { name: 'token', ttl: 60_000, limit: config.tokenRateLimitPerMinute, skipIf: (context) => matchedRoute(context) !== DEMO_ROUTES.token },
    ],
    // The throttler's tracker is req.ip, an IPv6 address counted by its network, as the other examples do:
    // one IPv6 client usually holds a whole network.
    ipv6SubnetPrefix: RATE_LIMIT_IPV6_SUBNET,
    // Each throttler covers one route, so its count is per client address only.
    generateKey: (_context, tracker, throttlerName) => `${throttlerName === 'login' ? REDIS_KEYS.loginLimit : REDIS_KEYS.tokenLimit}${tracker}`,
    // The guard below sends a plain Retry-After; the throttler's own headers would be named per throttler.
    setHeaders: false,
    errorMessage: (context, detail) =>
      matchedRoute(context) === DEMO_ROUTES.token
        ? `Too many token requests; try again in ${retryAfterSeconds(detail)} s.`
        : `Too many login attempts from your address; try again in ${retryAfterSeconds(detail)} s.`,
  };
}

/**
 * ThrottlerGuard that also sends `Retry-After` (in seconds) with its 429, and answers 503 with
 * `Retry-After` while the Redis storage is down (in Ably's shape on the token route, through its
 * filter, so the Ably client retries). It counts by `req.ip` (see `trust proxy` in app.ts), an
 * IPv6 address by its /56 network (`ipv6SubnetPrefix` above).
 */
@Injectable()
export class DemoThrottlerGuard extends ThrottlerGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return await super.canActivate(context);
    } catch (error) {
      const http = context.switchToHttp();
      const unavailable = storeUnavailableResponse(error, http.getRequest<Request>().path);
      if (!unavailable) throw error;
      http.getResponse<Response>().setHeader('Retry-After', unavailable.headers['Retry-After']!);
      const body = JSON.parse(unavailable.body) as { error: string | { message: string } };
      throw new ServiceUnavailableException(typeof body.error === 'string' ? body.error : body.error.message);
    }
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    // The guard answers before the token route runs: count the refusal in the route's metrics.
    if (matchedRoute(context) === DEMO_ROUTES.token) recordRateLimited({ method: context.switchToHttp().getRequest<Request>().method });
    context
      .switchToHttp()
      .getResponse<Response>()
      .setHeader('Retry-After', String(retryAfterSeconds(detail)));
    return super.throwThrottlingException(context, detail);
  }
}
