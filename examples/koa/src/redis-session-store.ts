import type { Redis } from 'ioredis';
import type { SessionData, SessionStore } from './memory-session-store.js';

/** How long a session whose cookie lasts for the browser session (`maxAge: 'session'`) is kept: a day. */
const BROWSER_SESSION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A koa-session store in Redis, over the app's own ioredis client, so every instance sees every
 * session and a logout on one ends it on all. Written here rather than taken from a package:
 * koa-redis, the store koa-session points to, is unmaintained, and the job is three commands.
 * Each session is one JSON string under `prefix + id` that expires with the session (`PX`), so
 * Redis drops abandoned sessions by itself. Errors (Redis down) are thrown on to the app, which
 * answers 503.
 *
 * @example
 * app.use(session({ store: createRedisSessionStore(redis, 'koa:sess:'), maxAge: 8 * 60 * 60 * 1000 }, app));
 */
export function createRedisSessionStore(redis: Redis, prefix: string): SessionStore {
  return {
    async get(key) {
      const json = await redis.get(prefix + key);
      if (json === null) return undefined;
      try {
        const data = JSON.parse(json) as unknown;
        return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as SessionData) : undefined;
      } catch {
        // A value this store did not write: treat it as no session rather than failing the request.
        return undefined;
      }
    },
    async set(key, data, maxAge) {
      const ttl = typeof maxAge === 'number' && Number.isFinite(maxAge) && maxAge > 0 ? Math.ceil(maxAge) : BROWSER_SESSION_TTL_MS;
      await redis.set(prefix + key, JSON.stringify(data), 'PX', ttl);
    },
    async destroy(key) {
      await redis.del(prefix + key);
    },
  };
}
