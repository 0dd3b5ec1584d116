import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { ablyCodeForStatus } from '@ably-chat-auth/core/adapter';
import { expectAblyError, readResponse } from '@ably-chat-auth/adapter-contract/testing';
import { createDemoConfig } from '@ably-chat-auth-examples/shared/src/config';
import { RedisServer } from '@ably-chat-auth-examples/shared/src/testing/redis-server';
import { SESSION_SECRET } from './demo-env';
import { LOGIN_LIMIT, TOKEN_LIMIT } from './limits-env';
import type * as TokenRoute from '../app/api/ably-token/route';
import type * as LoginRoute from '../app/login/route';
import { PEER_APPENDED } from '../lib/start-script';
import { createRateLimits, demoRateLimits, rateLimitRefusal, type DemoRateLimits } from '../lib/rate-limits';

let redis: RedisServer;
let token: typeof TokenRoute;
let login: typeof LoginRoute;
let other: DemoRateLimits | undefined;

beforeAll(async () => {
  // connectRedis reports each outage and recovery on the console; the test checks the answers instead.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  redis = await RedisServer.start();
  // Before the route modules load (they read the config once).
  process.env.REDIS_URL = redis.url;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after REDIS_URL is known; Jest runs this file as CommonJS */
  token = require('../app/api/ably-token/route') as typeof TokenRoute;
  login = require('../app/login/route') as typeof LoginRoute;
  /* eslint-enable @typescript-eslint/no-require-imports */
}, 20_000);

afterAll(async () => {
  for (const client of [other?.redis, (await demoRateLimits().catch(() => undefined))?.redis]) {
    if (client) await Promise.all([once(client, 'end'), client.quit()]);
  }
  await redis.stop();
});

function loginFrom(peer: string): Request {
  return new Request('http://127.0.0.1:3000/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': peer },
    body: JSON.stringify({ username: 'alice' }),
  });
}

function tokenFrom(peer: string): Request {
  return new Request('http://127.0.0.1:3000/api/ably-token', { headers: { 'X-Forwarded-For': peer } });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('REDIS_URL: rate limits in Redis (rate-limiter-flexible RateLimiterRedis over the shared ioredis client)', () => {
  test('the login limit is counted in Redis, under the nextjs:rl:login: prefix', async () => {
    for (let i = 0; i < LOGIN_LIMIT; i++) expect((await login.POST(loginFrom('192.0.2.50'))).status).toBe(200);
    const refused = await login.POST(loginFrom('192.0.2.50'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const probe = new Redis(redis.url);
    try {
      expect(await probe.get('nextjs:rl:login:192.0.2.50')).toBe(String(LOGIN_LIMIT + 1));
    } finally {
      probe.disconnect();
    }
  });

  test('two instances (the route handlers, and limiters over a second Redis connection) share one count per address', async () => {
    other = await createRateLimits(createDemoConfig({ redisUrl: redis.url, sessionSecret: SESSION_SECRET, tokenRateLimitPerMinute: TOKEN_LIMIT }));
    const peer = '192.0.2.60';
    for (let i = 0; i < TOKEN_LIMIT; i++) {
      if (i % 2 === 0) expect((await token.GET(tokenFrom(peer))).status).toBe(401);
      else expect(await rateLimitRefusal('token', tokenFrom(peer), other)).toBeUndefined();
    }
    const overOther = await rateLimitRefusal('token', tokenFrom(peer), other);
    expectAblyError(await readResponse(overOther!), 429, ablyCodeForStatus(429));
    expectAblyError(await readResponse(await token.GET(tokenFrom(peer))), 429, ablyCodeForStatus(429));
  });

  test('Redis stopped: the token route answers Ably\u2019s 503 and login a JSON 503, with Retry-After, within 5 s; restarted: both work again', async () => {
    await redis.stop();
    try {
      for (const attempt of [1, 2]) {
        const started = Date.now();
        const answer = await readResponse(await token.GET(tokenFrom(`192.0.2.7${attempt}`)));
        expectAblyError(answer, 503, ablyCodeForStatus(503));
        expect(answer.headers.get('retry-after')).toBe('5');
        const refused = await login.POST(loginFrom(`192.0.2.7${attempt}`));
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('5');
        expect(refused.headers.getSetCookie()).toEqual([]);
        expect(await refused.json()).toEqual({ error: 'The session store is unavailable; try again in 5 s.' });
        expect(Date.now() - started).toBeLessThan(5_000);
        await sleep(300);
      }
    } finally {
      await redis.restart();
    }
    // ioredis reconnects on its own (backing off to 1 s): no restart of the app.
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await login.POST(loginFrom('192.0.2.80'))).status;
      if (status !== 200) await sleep(200);
    }
    expect(status).toBe(200);
    expect((await token.GET(tokenFrom('192.0.2.80'))).status).toBe(401);
  }, 20_000);
});

describe('REDIS_URL unreachable at startup', () => {
  test('createRateLimits rejects within 3 s with a message naming REDIS_URL and the cause', async () => {
    const port = await closedPort();
    const started = Date.now();
    await expect(createRateLimits(createDemoConfig({ redisUrl: `redis://:hunter2-secret@127.0.0.1:${port}`, sessionSecret: SESSION_SECRET }))).rejects.toThrow(
      new RegExp(`^Cannot reach Redis at REDIS_URL=redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('instrumentation.ts register() stops the server with exit 1 and the message, without the password', async () => {
    const port = await closedPort();
    await jest.isolateModulesAsync(async () => {
      const saved = { ...process.env };
      const keys = [Symbol.for('ably-chat-auth-examples.nextjs.config'), Symbol.for('ably-chat-auth-examples.nextjs.rate-limits')] as const;
      const store = globalThis as Record<symbol, unknown>;
      const kept = keys.map((key) => store[key]);
      try {
        for (const key of keys) delete store[key];
        store[PEER_APPENDED] = true;
        process.env.NEXT_RUNTIME = 'nodejs';
        process.env.REDIS_URL = `redis://:hunter2-secret@127.0.0.1:${port}`;
        const errors: string[] = [];
        const logged = jest.spyOn(console, 'error').mockImplementation((message: string) => void errors.push(message));
        const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module instance, inside isolateModulesAsync
        const { register } = require('../instrumentation') as typeof import('../instrumentation');
        await register();
        expect(exit).toHaveBeenCalledWith(1);
        expect(errors).toEqual([expect.stringMatching(/^Configuration error: Cannot reach Redis at REDIS_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:/)]);
        expect(errors.join('')).not.toContain('hunter2');
        exit.mockRestore();
        logged.mockImplementation(() => undefined);
      } finally {
        process.env = saved;
        keys.forEach((key, i) => (store[key] = kept[i]));
        delete store[PEER_APPENDED];
      }
    });
  });
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
