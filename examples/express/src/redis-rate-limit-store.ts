import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

/**
 * rate-limit-redis's store, made to recover from an outage that strikes while it reloads its Lua
 * script. The store keeps the promise of the script's SHA and reloads it when Redis answers
 * NOSCRIPT (as a restarted Redis does); if Redis goes down during that reload, the stored promise
 * stays rejected and every later count fails with it, long after Redis is back. This store loads
 * the script again before counting whenever the stored promise has failed.
 */
export class RecoveringRedisStore extends RedisStore {
  override async increment(key: string): ReturnType<RedisStore['increment']> {
    const sha = this.incrementScriptSha;
    const failed = await sha.then(
      () => false,
      () => true,
    );
    // Unless a concurrent count has reloaded it already.
    if (failed && this.incrementScriptSha === sha) {
      const reload = this.loadIncrementScript();
      // Awaited by the count below; marked handled so a reload replaced before anyone awaits it is no unhandled rejection.
      reload.catch(() => {});
      this.incrementScriptSha = reload;
    }
    return super.increment(key);
  }
}

/**
 * The express-rate-limit store in Redis over the app's ioredis client, under `prefix`.
 *
 * @example rateLimit({ windowMs: 60_000, limit: 300, store: createRedisRateLimitStore(redis, 'myapp:rl:token:') })
 */
export function createRedisRateLimitStore(redis: Redis, prefix: string): RedisStore {
  return new RecoveringRedisStore({ prefix, sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply> });
}
