import { recordRateLimited, refusalResponse, type TokenRouteResponse } from '@ably-chat-auth/core';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { clientAddress } from './client-address';
import { demoConfig } from './config';
import { connectRedis, demoRedisKeys, rateLimitKey, storeUnavailableResponse, type DemoConfig } from './demo';

/** The two per-address limits, each a rate-limiter-flexible limiter over one-minute windows. */
export interface DemoRateLimits {
  /** `RATE_LIMIT_LOGIN_PER_MIN` logins per client address per minute. */
  readonly login: RateLimiterAbstract;
  /** `RATE_LIMIT_TOKEN_PER_MIN` token requests per client address per minute. */
  readonly token: RateLimiterAbstract;
  /** The shared ioredis client when `REDIS_URL` is set (the counters then live in Redis). */
  readonly redis: Redis | undefined;
}

const LIMITS_KEY = Symbol.for('ably-chat-auth-examples.nextjs.rate-limits');
const REDIS_KEYS = demoRedisKeys('nextjs');

/**
 * The process's limiters, made once and kept on `globalThis` (each route handler is its own bundle
 * entry, and every one must count in the same limiter). With `REDIS_URL` they count in Redis over
 * the shared kit's `connectRedis` client, so every instance shares each address's count; else in
 * memory. `instrumentation.ts` awaits this at startup, so an unreachable Redis stops the server;
 * a failed first connection is not kept, so the next request tries again.
 *
 * @throws RedisUnavailableError when Redis cannot be reached.
 * @example const { login } = await demoRateLimits(); await login.consume('203.0.113.7');
 */
export function demoRateLimits(): Promise<DemoRateLimits> {
  const store = globalThis as typeof globalThis & { [LIMITS_KEY]?: Promise<DemoRateLimits> };
  return (store[LIMITS_KEY] ??= createRateLimits(demoConfig()).catch((error: unknown) => {
    delete store[LIMITS_KEY];
    throw error;
  }));
}

/**
 * Limiters for `config`, over `redis` when one is given.
 * @example const limits = await createRateLimits(createDemoConfig({ loginRateLimitPerMinute: 5 }));
 */
export async function createRateLimits(config: DemoConfig, redis?: Redis): Promise<DemoRateLimits> {
  const client = redis ?? (config.redisUrl === undefined ? undefined : await connectRedis(config.redisUrl));
  const limiter = (points: number, prefix: string): RateLimiterAbstract =>
    client
      ? // No insurance limiter: while Redis is down a request is refused (503), never counted per instance.
        new RateLimiterRedis({ storeClient: client, points, duration: 60, keyPrefix: prefix.replace(/:$/, '') })
      : new RateLimiterMemory({ points, duration: 60 });
  return {
    login: limiter(config.loginRateLimitPerMinute, REDIS_KEYS.loginLimit),
    token: limiter(config.tokenRateLimitPerMinute, REDIS_KEYS.tokenLimit),
    redis: client,
  };
}

/** Which limit a request counts against: the answers over it differ in shape. */
export type LimitedRoute = 'login' | 'token';

const PATHS: Record<LimitedRoute, string> = { login: '/login', token: '/api/ably-token' };

/**
 * Counts `request` against its route's limit for its client address (`TRUST_PROXY_HOPS`; an IPv6
 * address by its /56 network), and
 * answers when it must not go on: 429 with `Retry-After` over the limit (Ably's error shape on the
 * token route, counted in its metrics as `rate_limited` by core's `recordRateLimited`; JSON `{ "error" }` on login), 503 with `Retry-After` while Redis is down (the shared
 * `storeUnavailableResponse`). Undefined: go on.
 *
 * @example
 * const refusal = await rateLimitRefusal('login', request);
 * if (refusal) return refusal;
 */
export async function rateLimitRefusal(route: LimitedRoute, request: Request, limits?: DemoRateLimits): Promise<Response | undefined> {
  try {
    const { [route]: limiter } = limits ?? (await demoRateLimits());
    // An IPv6 address counts by its /56 network (rateLimitKey): one IPv6 client usually holds a whole network.
    await limiter.consume(rateLimitKey(clientAddress(request.headers, demoConfig().trustProxyHops)));
    return undefined;
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      // The limiter answers before the token route runs: count the refusal in the route's metrics.
      if (route === 'token') recordRateLimited({ method: request.method });
      return toResponse(overLimit(route, Math.max(1, Math.ceil(error.msBeforeNext / 1000))));
    }
    const unavailable = storeUnavailableResponse(error, PATHS[route]);
    if (unavailable) return toResponse(unavailable);
    throw error;
  }
}

function overLimit(route: LimitedRoute, seconds: number): TokenRouteResponse {
  const retryAfter = { 'Retry-After': String(seconds) };
  // The token route answers in Ably's error shape, so the Ably client reports it properly.
  if (route === 'token') return refusalResponse(429, `Too many token requests; try again in ${seconds} s.`, retryAfter);
  return {
    status: 429,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...retryAfter },
    body: JSON.stringify({ error: `Too many login attempts from your address; try again in ${seconds} s.` }),
  };
}

function toResponse(answer: TokenRouteResponse): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
