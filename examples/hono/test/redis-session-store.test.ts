import { useRedisServer } from '@ably-chat-auth-examples/shared/testing';
import { createRedisSessionStore } from '../src/index';

describe('createRedisSessionStore against a real redis-server', () => {
  const { server, redis } = useRedisServer();

  test('set, get and destroy one JSON value per session under the prefix, expiring with its time to live (SET EX)', async () => {
    const store = createRedisSessionStore(redis(), 'test:sess:');
    await store.set('id-1', { user: { username: 'alice' } }, 60);
    expect(await store.get('id-1')).toEqual({ user: { username: 'alice' } });
    expect(await redis().get('test:sess:id-1')).toBe(JSON.stringify({ user: { username: 'alice' } }));
    const ttl = await redis().ttl('test:sess:id-1');
    expect(ttl).toBeGreaterThan(58);
    expect(ttl).toBeLessThanOrEqual(60);

    await store.destroy('id-1');
    expect(await store.get('id-1')).toBeUndefined();
    expect(await redis().exists('test:sess:id-1')).toBe(0);
    // Destroying what is not there is not an error.
    await expect(store.destroy('id-1')).resolves.toBeUndefined();
  });

  test('a session is gone once its time to live has passed', async () => {
    const store = createRedisSessionStore(redis(), 'test:sess:');
    await store.set('short', { user: { username: 'bob' } }, 1);
    expect(await store.get('short')).toEqual({ user: { username: 'bob' } });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await store.get('short')).toBeUndefined();
  });

  test('a time to live that is not a whole number of seconds above 0 is refused, and nothing is stored', async () => {
    const store = createRedisSessionStore(redis(), 'test:sess:');
    for (const ttl of [0, -1, 1.5, Number.NaN]) {
      await expect(store.set('bad-ttl', { user: { username: 'alice' } }, ttl)).rejects.toThrow(/whole number of seconds above 0/);
    }
    expect(await redis().exists('test:sess:bad-ttl')).toBe(0);
  });

  test('a value this store did not write reads as no session; another prefix is another store', async () => {
    const store = createRedisSessionStore(redis(), 'test:sess:');
    for (const value of ['not json', '[1,2]', '"text"', 'null', '{}', '{"user":{"name":"x"}}']) {
      await redis().set('test:sess:odd', value);
      expect(await store.get('odd')).toBeUndefined();
    }
    await store.set('shared-id', { user: { username: 'alice' } }, 60);
    expect(await createRedisSessionStore(redis(), 'other:sess:').get('shared-id')).toBeUndefined();
  });

  test('while Redis is down every call rejects at once (the app answers 503), and works again when it is back', async () => {
    const store = createRedisSessionStore(redis(), 'test:sess:');
    await server().stop();
    try {
      for (const call of [() => store.get('x'), () => store.set('x', { user: { username: 'alice' } }, 60), () => store.destroy('x')]) {
        const started = Date.now();
        await expect(call()).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(1500);
      }
    } finally {
      await server().restart();
    }
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        await store.set('back', { user: { username: 'alice' } }, 60);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(await store.get('back')).toEqual({ user: { username: 'alice' } });
  });
});
