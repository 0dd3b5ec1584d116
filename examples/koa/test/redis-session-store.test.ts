import { useRedisServer } from '@ably-chat-auth-examples/shared/testing';
import { createRedisSessionStore } from '../src/index';

describe('createRedisSessionStore (koa-session store) against a real redis-server', () => {
  const { server, redis } = useRedisServer();

  const options = { rolling: false, changed: true };

  test('set, get and destroy one JSON value per session under the prefix, expiring with maxAge', async () => {
    const store = createRedisSessionStore(redis(), 'test:sess:');
    await store.set('id-1', { user: { username: 'alice' }, _expire: 1, _maxAge: 2 }, 60_000, options);
    expect(await store.get('id-1', 60_000, { rolling: false })).toEqual({ user: { username: 'alice' }, _expire: 1, _maxAge: 2 });
    expect(await redis().get('test:sess:id-1')).toBe(JSON.stringify({ user: { username: 'alice' }, _expire: 1, _maxAge: 2 }));
    const ttl = await redis().pttl('test:sess:id-1');
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);

    await store.destroy('id-1', {});
    expect(await store.get('id-1', 60_000, { rolling: false })).toBeUndefined();
    expect(await redis().exists('test:sess:id-1')).toBe(0);
  });

  test('a session expires in Redis with its maxAge; "session" cookies are kept a day', async () => {
    const store = createRedisSessionStore(redis(), 'test:sess:');
    await store.set('short', { user: { username: 'bob' } }, 150, options);
    expect(await store.get('short', 150, { rolling: false })).toEqual({ user: { username: 'bob' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await store.get('short', 150, { rolling: false })).toBeUndefined();

    // koa-session passes maxAge 'session' for a cookie that lasts as long as the browser.
    await store.set('browser', { user: { username: 'carol' } }, 'session' as unknown as number, options);
    const ttl = await redis().pttl('test:sess:browser');
    expect(ttl).toBeGreaterThan(23 * 60 * 60 * 1000);
    expect(ttl).toBeLessThanOrEqual(24 * 60 * 60 * 1000);
  });

  test('a value this store did not write reads as no session; another prefix is another store', async () => {
    const store = createRedisSessionStore(redis(), 'test:sess:');
    for (const value of ['not json', '[1,2]', '"text"', 'null']) {
      await redis().set('test:sess:odd', value);
      expect(await store.get('odd', 1000, { rolling: false })).toBeUndefined();
    }
    await store.set('shared-id', { user: { username: 'alice' } }, 60_000, options);
    expect(await createRedisSessionStore(redis(), 'other:sess:').get('shared-id', 60_000, { rolling: false })).toBeUndefined();
  });

  test('while Redis is down every call rejects at once (the app answers 503), and works again when it is back', async () => {
    const store = createRedisSessionStore(redis(), 'test:sess:');
    await server().stop();
    try {
      for (const call of [() => store.get('x', 1000, { rolling: false }), () => store.set('x', {}, 1000, options), () => store.destroy('x', {})]) {
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
        await store.set('back', { user: { username: 'alice' } }, 60_000, options);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(await store.get('back', 60_000, { rolling: false })).toEqual({ user: { username: 'alice' } });
  });
});
