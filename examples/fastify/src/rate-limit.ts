import fastifyRateLimit, { normalizeIP, type RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';

/**
 * Where @fastify/rate-limit keeps its counts, as its own options: `{ redis: ioredisClient }` or
 * `{ store: StoreClass }` (and `nameSpace`, the Redis key prefix). Each limit counts under keys of
 * its own (`login:<address>`, `token:<address>`), so one shared store keeps them apart.
 */
export type RateLimitStoreOptions = Pick<RateLimitPluginOptions, 'redis' | 'store' | 'nameSpace'>;

/**
 * An `onRequest` hook counting requests per client address (request.ip, see `trustProxy`) per
 * minute with @fastify/rate-limit's `createRateLimit`, in `store` (default in memory); `onLimited`
 * writes the 429, given the seconds until the window resets (also its `Retry-After`).
 */
export async function limitPerAddress(
  scope: FastifyInstance,
  name: string,
  max: number,
  store: RateLimitStoreOptions | undefined,
  onLimited: (reply: FastifyReply, retryAfterSeconds: number) => FastifyReply,
): Promise<onRequestAsyncHookHandler> {
  // The plugin in the route's own scope, with this limit as its settings, and `createRateLimit()`
  // without options: given options, createRateLimit makes a child of the store, and the Redis
  // store's child puts the route's method and URL into its keys, which a limiter outside a route
  // lacks (keys `<nameSpace>undefinedundefined-<key>`). No limit of its own (`global: false`).
  // The name prefixes the key, so both limits can share one store; normalizeIP is the plugin's
  // default key (an IPv6 client counts by its /64).
  await scope.register(fastifyRateLimit, {
    global: false,
    max,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `${name}:${normalizeIP(request.ip)}`,
    ...store,
  });
  const check = scope.createRateLimit();
  return async (request, reply) => {
    const limit = await check(request);
    if (!limit.isAllowed && limit.isExceeded) return onLimited(reply, Math.min(60, Math.max(1, limit.ttlInSeconds)));
  };
}
