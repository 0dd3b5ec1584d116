import type { Redis } from 'ioredis';
import type { SessionData, SessionStore } from './session-store.js';

/**
 * A {@link SessionStore} in Redis over the app's ioredis client (`connectRedis` from the shared
 * kit), so every instance sees every session and a logout on one ends it on all. Written here:
 * the interface is this example's own (no package implements it), and the job is three commands,
 * `GET`, `SET ... EX` and `DEL`. Each session is one JSON string under `prefix + id` that Redis
 * expires with the session, so abandoned sessions go by themselves. Redis errors (Redis down) are
 * thrown on to the app, which answers 503.
 *
 * @example createApp(config, { sessionStore: createRedisSessionStore(redis, 'hono:sess:') })
 */
export function createRedisSessionStore(redis: Redis, prefix: string): SessionStore {
  return {
    async get(id) {
      const json = await redis.get(prefix + id);
      if (json === null) return undefined;
      let data: unknown;
      try {
        data = JSON.parse(json);
      } catch {
        // A value this store did not write: no session, rather than a failed request.
        return undefined;
      }
      return isSessionData(data) ? data : undefined;
    },
    async set(id, data, ttlSeconds) {
      if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
        throw new RangeError(`A session's time to live must be a whole number of seconds above 0; got ${ttlSeconds}.`);
      await redis.set(prefix + id, JSON.stringify(data), 'EX', ttlSeconds);
    },
    async destroy(id) {
      await redis.del(prefix + id);
    },
  };
}

function isSessionData(value: unknown): value is SessionData {
  const user = (value as { user?: unknown } | null)?.user;
  return typeof user === 'object' && user !== null && typeof (user as { username?: unknown }).username === 'string';
}
