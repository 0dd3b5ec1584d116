import { useRedisServer } from '../src/testing';

describe('useRedisServer', () => {
  const { server, redis } = useRedisServer();
  // Read while Jest collects the tests, before any beforeAll ran.
  const early = (() => {
    try {
      return redis();
    } catch (error) {
      return error;
    }
  })();

  test('a getter called before its beforeAll ran says so', () => {
    expect(early).toBeInstanceOf(Error);
    expect((early as Error).message).toMatch(/useRedisServer\(\): its beforeAll has not run yet/);
  });

  test('gives a client connected to the redis-server it started', async () => {
    expect(await redis().ping()).toBe('PONG');
    await redis().set('use-redis-server:key', 'value');
    expect(await redis().get('use-redis-server:key')).toBe('value');
    expect(server().url).toBe(`redis://127.0.0.1:${server().port}`);
  });
});
