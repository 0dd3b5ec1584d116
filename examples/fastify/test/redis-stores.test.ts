import type { SessionStore } from '@fastify/session';
import { connectRedis, createDemoConfig, demoRedisKeys } from '@ably-chat-auth-examples/shared';
import { DemoClient, RedisServer } from '@ably-chat-auth-examples/shared/testing';
import { RedisStore } from 'connect-redis';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { createApp, type FastifyExampleOptions } from '../src/index';

const KEYS = demoRedisKeys('fastify');

/** Fastify-specific checks of connect-redis behind @fastify/session and the Redis rate limits, on a real redis-server. */
describe('Fastify example stores in Redis', () => {
  let server: RedisServer;
  let redis: Redis;
  const apps: FastifyInstance[] = [];

  async function serve(options: FastifyExampleOptions): Promise<DemoClient> {
    const app = await createApp(createDemoConfig({ port: 0, sessionSecret: 'a-secret-every-instance-shares', redisUrl: server.url }), {
      logger: false,
      ...options,
    });
    apps.push(app);
    return new DemoClient(await app.listen({ port: 0, host: '127.0.0.1' }));
  }

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = await connectRedis(server.url, { log: false });
  });
  beforeEach(() => redis.flushall());
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  test('connect-redis keeps the @fastify/session session (user and cookie) as JSON, expiring with the cookie; a new login replaces it, logout deletes it', async () => {
    const alice = await serve({ redis });
    expect((await alice.login('alice')).status).toBe(200);
    const [key] = await redis.keys(`${KEYS.sessions}*`);
    expect(key).toBeDefined();
    const stored = JSON.parse((await redis.get(key!))!) as { user?: unknown; cookie?: { expires?: string; httpOnly?: boolean } };
    expect(stored.user).toEqual({ username: 'alice' });
    expect(stored.cookie).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
    const expires = Date.parse(stored.cookie!.expires!);
    expect(expires - Date.now()).toBeGreaterThan(8 * 60 * 60 * 1000 - 60_000);
    const ttl = await redis.ttl(key!);
    expect(Math.abs(Date.now() + ttl * 1000 - expires)).toBeLessThan(5000);

    // The session read back from Redis is alice's, on every request.
    expect((await alice.token()).status).toBe(200);
    expect((await alice.token()).status).toBe(200);

    expect((await alice.login('bob')).status).toBe(200);
    const afterRelogin = await redis.keys(`${KEYS.sessions}*`);
    expect(afterRelogin).toHaveLength(1);
    expect(afterRelogin[0]).not.toBe(key);
    expect(JSON.parse((await redis.get(afterRelogin[0]!))!)).toMatchObject({ user: { username: 'bob' } });

    expect((await alice.logout()).status).toBe(204);
    expect(await redis.keys(`${KEYS.sessions}*`)).toEqual([]);
  });

  test('the limits count in Redis under demoRedisKeys("fastify"), one key per limit and address', async () => {
    const client = await serve({ redis });
    expect((await client.login('alice')).status).toBe(200);
    expect((await client.token()).status).toBe(200);
    expect(await redis.get(`${KEYS.loginLimit}127.0.0.1`)).toBe('1');
    expect(await redis.get(`${KEYS.tokenLimit}127.0.0.1`)).toBe('1');
    expect(await redis.pttl(`${KEYS.tokenLimit}127.0.0.1`)).toBeGreaterThan(59_000);
  });

  test('Redis lost as a login saves its session: a JSON 503 without the cause and no cookie (not a second failure)', async () => {
    // The first save (the new session) reaches Redis; the next ones go to a client that has lost its connection.
    const lost = await connectRedis(server.url, { log: false });
    lost.disconnect();
    const working = new RedisStore({ client: redis, prefix: KEYS.sessions });
    const failing = new RedisStore({ client: lost, prefix: KEYS.sessions });
    let sets = 0;
    const sessionStore: SessionStore = {
      get: (id, callback) => void working.get(id, callback),
      destroy: (id, callback) => void working.destroy(id, callback),
      set: (id, session, callback) => void (++sets === 1 ? working : failing).set(id, session, callback),
    };
    const client = await serve({ sessionStore, rateLimitStore: { redis, nameSpace: 'fastify:rl:' } });
    const login = await client.login('alice');
    expect(login.status).toBe(503);
    expect(login.headers.get('retry-after')).toBe('5');
    expect(login.headers.get('set-cookie')).toBeNull();
    expect(await login.json()).toEqual({ error: 'The session store is unavailable; try again in 5 s.' });
    // One failed save: the 503 itself saved nothing more.
    expect(sets).toBe(2);
  });

  test('`redis` together with `sessionStore` or `rateLimitStore` is refused, naming both ways', async () => {
    const config = createDemoConfig({ port: 0 });
    await expect(createApp(config, { redis, sessionStore: new RedisStore({ client: redis }) })).rejects.toThrow(
      'createApp: pass either `redis` (sessions and rate limits in Redis) or `sessionStore` / `rateLimitStore`, not both.',
    );
    await expect(createApp(config, { redis, rateLimitStore: { redis } })).rejects.toThrow(/either `redis`.*not both/);
  });
});
