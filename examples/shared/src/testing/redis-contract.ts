import { expect } from '@jest/globals';
import * as Ably from 'ably';
import type { Redis } from 'ioredis';
import { jwtVerify } from 'jose';
import { DEV_API_KEY, createDemoConfig, type DemoConfig, type DemoConfigInput } from '../config.js';
import { DEMO_ROUTES } from '../page.js';
import { connectRedis } from '../redis.js';
import { DemoClient } from './client.js';
import type { RunningDemoApp } from './demo-contract.js';
import { RedisServer, freePort } from './redis-server.js';
import { ServerProcess } from './server-process.js';

/** How {@link describeRedisExample} runs one example with its stores in Redis. */
export interface RedisExampleOptions {
  /** Serves the example in this process with its sessions and rate-limit counters in `redis`. */
  start: (config: DemoConfig, redis: Redis) => Promise<RunningDemoApp>;
  /** Absolute path of the example's `src/server.ts`. */
  serverEntry: string;
  /** The prefix of the example's session keys in Redis (`demoRedisKeys(name).sessions`). */
  sessionPrefix: string;
}

const SESSION_SECRET = 'a-secret-every-instance-shares';
const SPAWN_TIMEOUT_MS = 30_000;
const DEV_KEY_SECRET = new TextEncoder().encode(DEV_API_KEY.split(':')[1]);

async function clientIdOf(response: Response): Promise<unknown> {
  expect(response.status).toBe(200);
  const { payload } = await jwtVerify(await response.text(), DEV_KEY_SECRET, { algorithms: ['HS256'] });
  return payload['x-ably-clientId'];
}

/** Polls `check` until it holds (a recovering client reconnects within about a second). */
async function eventually(check: () => Promise<boolean>, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`The condition did not hold within ${ms} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The answer of a store outage: `status` 503 with Retry-After, quickly, and no stack trace or cause in the body. */
async function expectOutageAnswer(request: () => Promise<Response>): Promise<string> {
  const started = Date.now();
  const response = await request();
  expect(Date.now() - started).toBeLessThan(3000);
  expect(response.status).toBe(503);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  const body = await response.text();
  expect(body).not.toMatch(/\n\s+at |ECONNREFUSED|enableOfflineQueue|Stream isn't writeable|Connection is closed/);
  return body;
}

/**
 * Declares the Redis half of an example's tests, against a real `redis-server` on a free port
 * that the suite starts and stops: two instances of the app over one Redis share logins, logouts
 * and the rate limits; with Redis down both routes answer 503 with Retry-After (Ably's shape on
 * the token route, which the real Ably client sees as a retriable 503) and nothing hangs; when
 * Redis is back the next requests succeed; and `src/server.ts` refuses to start without
 * SESSION_SECRET or with an unreachable REDIS_URL.
 *
 * @example
 * describeRedisExample('Express', {
 *   start: (config, redis) => listenOnLoopback(createServer(createApp(config, { logger: false, redis }))),
 *   serverEntry: join(__dirname, '..', 'src', 'server.ts'),
 *   sessionPrefix: demoRedisKeys('express').sessions,
 * });
 */
export function describeRedisExample(name: string, { start, serverEntry, sessionPrefix }: RedisExampleOptions): void {
  describe(`${name} example with Redis`, () => {
    let server: RedisServer;
    const opened: { app: RunningDemoApp; redis: Redis }[] = [];

    /** An instance of the app with its own Redis connection, as a separate process would have. */
    async function instance(input: DemoConfigInput = {}): Promise<DemoClient> {
      const redis = await connectRedis(server.url, { log: false });
      const app = await start(createDemoConfig({ port: 0, sessionSecret: SESSION_SECRET, redisUrl: server.url, ...input }), redis);
      opened.push({ app, redis });
      return new DemoClient(app.baseUrl);
    }

    beforeAll(async () => {
      server = await RedisServer.start();
    });
    beforeEach(async () => {
      const admin = await connectRedis(server.url, { log: false });
      await admin.flushall();
      admin.disconnect();
    });
    afterEach(async () => {
      for (const { app, redis } of opened.splice(0)) {
        await app.close();
        redis.disconnect();
      }
    });
    afterAll(() => server.stop());

    test(
      'two instances over one Redis: a login on A is a session on B, a logout on B ends it on A, the token limit counts both',
      async () => {
        const a = await instance({ tokenRateLimitPerMinute: 4 });
        const b = await instance({ tokenRateLimitPerMinute: 4 });
        expect((await a.login('alice')).status).toBe(200);
        const onB = new DemoClient(b.baseUrl);
        for (const [cookie, value] of a.jar) onB.jar.set(cookie, value);
        expect(await clientIdOf(await onB.token())).toBe('alice');

        // The session is in Redis under the app's prefix, and expires with the login (8 h).
        const redis = await connectRedis(server.url, { log: false });
        try {
          const keys = await redis.keys(`${sessionPrefix}*`);
          expect(keys).toHaveLength(1);
          const ttl = await redis.pttl(keys[0]!);
          expect(ttl).toBeGreaterThan(0);
          // 8 h, plus the few seconds a store may keep a session past its cookie (koa-session adds 10 s).
          expect(ttl).toBeLessThanOrEqual(8 * 60 * 60 * 1000 + 60_000);
        } finally {
          redis.disconnect();
        }

        expect((await onB.logout()).status).toBe(204);
        expect((await a.token()).status).toBe(401);

        // One token request was made above (on B); three more, split across the instances, reach the limit of 4.
        expect((await a.token()).status).toBe(401);
        expect((await onB.token()).status).toBe(401);
        const limited = await a.token();
        expect(limited.status).toBe(429);
        expect(limited.headers.get('x-ably-errorcode')).toBe('42910');
        expect((await onB.token()).status).toBe(429);
      },
      SPAWN_TIMEOUT_MS,
    );

    test(
      'the login limit is one count across instances too',
      async () => {
        const a = await instance({ loginRateLimitPerMinute: 2 });
        const b = await instance({ loginRateLimitPerMinute: 2 });
        expect((await a.login('alice')).status).toBe(200);
        expect((await b.login('bob')).status).toBe(200);
        const limited = await a.login('carol');
        expect(limited.status).toBe(429);
        expect(await limited.json()).toEqual({ error: expect.stringMatching(/^Too many login attempts/) as unknown });
      },
      SPAWN_TIMEOUT_MS,
    );

    test('Redis down: 503 with Retry-After (Ably\u2019s shape on the token route) within seconds; Redis back: the next requests succeed', async () => {
      const alice = await instance();
      expect((await alice.login('alice')).status).toBe(200);
      await server.stop();
      try {
        // The token route with a session cookie (the session store fails) and without one (the rate limit fails).
        for (const client of [alice, new DemoClient(alice.baseUrl)]) {
          const body = await expectOutageAnswer(() => client.token());
          expect(JSON.parse(body)).toEqual({ error: { code: 50300, statusCode: 503, message: expect.stringMatching(/unavailable/) as unknown } });
        }
        const tokenAnswer = await alice.token();
        expect(tokenAnswer.headers.get('x-ably-errorcode')).toBe('50300');
        expect(tokenAnswer.headers.get('cache-control')).toBe('no-store');
        // The Ably client sees a 503, which it retries (a 403 would stop it for good).
        const rest = new Ably.Rest({ authUrl: alice.baseUrl + DEMO_ROUTES.token, authHeaders: { cookie: alice.cookie! }, logLevel: 0 });
        await expect(rest.auth.requestToken()).rejects.toMatchObject({ statusCode: 503, code: 50300 });

        const login = await expectOutageAnswer(() => new DemoClient(alice.baseUrl).login('bob'));
        expect(JSON.parse(login)).toEqual({ error: expect.stringMatching(/unavailable; try again in \d+ s\./) as unknown });
        await expectOutageAnswer(() => alice.logout());
      } finally {
        await server.restart();
      }
      // Nothing was persisted, so alice's session is gone: she gets 401 (sign in again), and a fresh login works.
      await eventually(async () => (await alice.token()).status === 401);
      const bob = new DemoClient(alice.baseUrl);
      await eventually(async () => (await bob.login('bob')).status === 200);
      expect(await clientIdOf(await bob.token())).toBe('bob');
    }, 30_000);

    test(
      'src/server.ts with REDIS_URL: starts and serves from Redis; refuses to start without SESSION_SECRET or with an unreachable Redis',
      async () => {
        const running = ServerProcess.start(serverEntry, { PORT: '0', REDIS_URL: server.url, SESSION_SECRET });
        try {
          const [, port] = await running.waitFor(/listening on http:\/\/localhost:(\d+)/);
          expect(running.output()).toContain(`REDIS_URL=${server.url}: sessions and rate-limit counters are kept in Redis`);
          const client = new DemoClient(`http://127.0.0.1:${port}`);
          expect((await client.login('alice')).status).toBe(200);
          expect(await clientIdOf(await client.token())).toBe('alice');
        } finally {
          await running.stop();
        }

        const noSecret = ServerProcess.start(serverEntry, { PORT: '0', REDIS_URL: server.url });
        expect(await noSecret.exited).toBe(1);
        expect(noSecret.errors()).toMatch(/Configuration error: REDIS_URL is set, so SESSION_SECRET is required/);

        const unreachableUrl = `redis://:TopSecretRedisPassword@127.0.0.1:${await freePort()}`;
        const started = Date.now();
        const unreachable = ServerProcess.start(serverEntry, { PORT: '0', REDIS_URL: unreachableUrl, SESSION_SECRET });
        expect(await unreachable.exited).toBe(1);
        // tsx's own start-up takes most of this; the connection itself is refused at once.
        expect(Date.now() - started).toBeLessThan(15_000);
        expect(unreachable.errors()).toMatch(/Configuration error: Cannot reach Redis at REDIS_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/);
        expect(unreachable.output() + unreachable.errors()).not.toContain('TopSecretRedisPassword');
        expect(unreachable.output()).not.toMatch(/listening/);
      },
      3 * SPAWN_TIMEOUT_MS,
    );
  });
}
