import { RedisStore, type RedisClient } from 'hono-rate-limiter';
import type { Redis } from 'ioredis';
import type { HonoExampleEnv, RateLimitStore } from './rate-limit.js';

/**
 * hono-rate-limiter's own `RedisStore` over the app's ioredis client, counting under
 * `prefix + <client address>`, so every instance shares one count. The store speaks to its client
 * through four calls shaped like Upstash's (`scriptLoad`, `evalsha(sha, keys, args)`, `decr`,
 * `del`); this maps them to ioredis. (`@hono-rate-limiter/redis`, the older separate package,
 * declares hono-rate-limiter 0.2, and the store now ships with hono-rate-limiter itself.) A count
 * that fails (Redis down) rejects, and the app answers 503; after a Redis restart the store
 * reloads its Lua script on the first NOSCRIPT, so counting resumes on its own.
 *
 * @example createApp(config, { rateLimitStore: (limit) => createRedisRateLimitStore(redis, `hono:rl:${limit}:`) })
 */
export function createRedisRateLimitStore(redis: Redis, prefix: string): RateLimitStore {
  const client: RedisClient = {
    scriptLoad: (script) => redis.script('LOAD', script) as Promise<string>,
    evalsha: <TArgs extends unknown[], TData = unknown>(sha1: string, keys: string[], args: TArgs) =>
      redis.evalsha(sha1, keys.length, ...keys, ...(args as (string | number)[])) as Promise<TData>,
    decr: (key) => redis.decr(key),
    del: (key) => redis.del(key),
  };
  return new RedisStore<HonoExampleEnv>({ client, prefix });
}
