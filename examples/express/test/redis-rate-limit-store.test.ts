import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { useRedisServer } from '@ably-chat-auth-examples/shared/testing';
import { RecoveringRedisStore, createRedisRateLimitStore } from '../src/index';

describe('the rate-limit store in Redis (rate-limit-redis) against a real redis-server', () => {
  const { redis } = useRedisServer();

  /** A store whose SCRIPT LOAD fails while `failScriptLoad` is set: Redis lost just as the store reloads its script. */
  function storeWithFlakyScriptLoad(Store: typeof RedisStore): { store: RedisStore; failScriptLoad: (fail: boolean) => void } {
    let fail = false;
    const store = new Store({
      prefix: `flaky-${Store.name}:`,
      sendCommand: (command: string, ...args: string[]) =>
        fail && command === 'SCRIPT' ? Promise.reject(new Error('Connection is closed.')) : (redis().call(command, ...args) as Promise<RedisReply>),
    });
    return { store, failScriptLoad: (value) => (fail = value) };
  }

  test('counts under the prefix, one count per key across stores (as across instances)', async () => {
    const a = createRedisRateLimitStore(redis(), 'test:rl:');
    const b = createRedisRateLimitStore(redis(), 'test:rl:');
    await Promise.all([a.init({ windowMs: 60_000 } as never), b.init({ windowMs: 60_000 } as never)]);
    expect((await a.increment('203.0.113.1')).totalHits).toBe(1);
    expect((await b.increment('203.0.113.1')).totalHits).toBe(2);
    expect(await redis().get('test:rl:203.0.113.1')).toBe('2');
    expect(await redis().pttl('test:rl:203.0.113.1')).toBeGreaterThan(59_000);
  });

  test('recovers when Redis fails just as the script is reloaded after a restart (NOSCRIPT); rate-limit-redis alone stays broken', async () => {
    const outcomes: Record<string, boolean> = {};
    for (const Store of [RedisStore, RecoveringRedisStore]) {
      const { store, failScriptLoad } = storeWithFlakyScriptLoad(Store);
      await store.init({ windowMs: 60_000 } as never);
      expect((await store.increment('client')).totalHits).toBe(1);
      // A restarted Redis has no scripts; the reload that follows NOSCRIPT fails.
      await redis().call('SCRIPT', 'FLUSH');
      failScriptLoad(true);
      await expect(store.increment('client')).rejects.toThrow();
      // Redis is fine again: does the next count work?
      failScriptLoad(false);
      outcomes[Store.name] = await store.increment('client').then(
        (result) => result.totalHits === 2,
        () => false,
      );
    }
    expect(outcomes).toEqual({ RedisStore: false, RecoveringRedisStore: true });
  });
});
