import { useRedisServer } from '@ably-chat-auth-examples/shared/testing';
import type { HonoConfigType } from 'hono-rate-limiter';
import { createRedisRateLimitStore, type HonoExampleEnv, type RateLimitStore } from '../src/index';

/** What rateLimiter() does with a store before counting: tells it the window. */
function initialised(store: RateLimitStore, windowMs = 60_000): RateLimitStore {
  store.init?.({ windowMs } as HonoConfigType<HonoExampleEnv>);
  return store;
}

describe('createRedisRateLimitStore (hono-rate-limiter RedisStore over ioredis) against a real redis-server', () => {
  const { server, redis } = useRedisServer();

  test('counts under the prefix with the window as expiry, one count per key across stores (as across instances)', async () => {
    const a = initialised(createRedisRateLimitStore(redis(), 'test:rl:'));
    const b = initialised(createRedisRateLimitStore(redis(), 'test:rl:'));
    const first = await a.increment('203.0.113.1');
    expect(first.totalHits).toBe(1);
    expect(first.resetTime!.getTime() - Date.now()).toBeGreaterThan(59_000);
    expect((await b.increment('203.0.113.1')).totalHits).toBe(2);
    expect(await redis().get('test:rl:203.0.113.1')).toBe('2');
    const ttl = await redis().pttl('test:rl:203.0.113.1');
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // Another address, and another prefix, count apart.
    expect((await a.increment('203.0.113.2')).totalHits).toBe(1);
    expect((await initialised(createRedisRateLimitStore(redis(), 'other:rl:')).increment('203.0.113.1')).totalHits).toBe(1);

    await a.decrement?.('203.0.113.1');
    expect(await redis().get('test:rl:203.0.113.1')).toBe('1');
    await a.resetKey('203.0.113.1');
    expect(await redis().exists('test:rl:203.0.113.1')).toBe(0);
  });

  test('the count expires with the window', async () => {
    const store = initialised(createRedisRateLimitStore(redis(), 'test:short:'), 200);
    expect((await store.increment('client')).totalHits).toBe(1);
    expect((await store.increment('client')).totalHits).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await store.increment('client')).totalHits).toBe(1);
  });

  test('Redis down: a count rejects at once; Redis restarted (empty, no scripts): the store reloads its script and counts again', async () => {
    const store = initialised(createRedisRateLimitStore(redis(), 'test:outage:'));
    expect((await store.increment('client')).totalHits).toBe(1);
    await server().stop();
    try {
      const started = Date.now();
      await expect(store.increment('client')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await server().restart();
    }
    const deadline = Date.now() + 5000;
    let hits: number | undefined;
    while (hits === undefined) {
      try {
        hits = (await store.increment('client')).totalHits;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // Nothing was persisted: a fresh count.
    expect(hits).toBe(1);
    expect(await redis().get('test:outage:client')).toBe('1');
  });
});
