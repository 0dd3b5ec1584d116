import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { DEMO_ROUTES, createDemoConfig } from '@ably-chat-auth-examples/shared';
import { DemoClient, describeDemoExample, listenOnLoopback, serveDuringSuite, type StartDemoApp } from '@ably-chat-auth-examples/shared/testing';
import { createAdaptorServer } from '@hono/node-server';
import { MemoryStore } from 'hono-rate-limiter';
import type { Redis } from 'ioredis';
import { serializeSigned } from 'hono/utils/cookie';
import { createApp, createMemorySessionStore, SESSION_COOKIE, type HonoExampleEnv, type HonoExampleOptions, type SessionStore } from '../src/index';

type Config = Parameters<StartDemoApp>[0];

/** The app on a real node:http server, as `pnpm start` serves it (src/server.ts uses @hono/node-server's serve). */
function startWith(options: HonoExampleOptions = {}): StartDemoApp {
  return (config: Config) => listenOnLoopback(createAdaptorServer({ fetch: createApp(config, { logger: false, ...options }).fetch }) as Server);
}
const start = startWith();

// Everything the Hono example must do is the shared demo contract (examples/shared/README.md).
describeDemoExample('Hono', { start, serverEntry: join(__dirname, '..', 'src', 'server.ts'), sessionCookie: SESSION_COOKIE });

describe('Hono example session cookie', () => {
  const app = serveDuringSuite(start);

  test('the cookie holds a signed random id, never the user; a forged id or signature gets 401', async () => {
    const alice = new DemoClient(app.baseUrl);
    await alice.login('alice');
    // Hono's signed cookie: `<id>.<base64 HMAC-SHA256>`, URL-encoded.
    const value = decodeURIComponent(alice.jar.get(SESSION_COOKIE)!);
    const [id, signature] = [value.slice(0, value.lastIndexOf('.')), value.slice(value.lastIndexOf('.') + 1)];
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(value).not.toContain('alice');
    const tokenUrl = app.baseUrl + DEMO_ROUTES.token;
    expect((await fetch(tokenUrl, { headers: { cookie: alice.cookie! } })).status).toBe(200);
    const otherId = randomBytes(32).toString('base64url');
    for (const forged of [id, `${id}.`, `${id}.${signature.slice(1)}A`, `${otherId}.${signature}`]) {
      expect((await fetch(tokenUrl, { headers: { cookie: `${SESSION_COOKIE}=${encodeURIComponent(forged)}` } })).status).toBe(401);
    }
  });

  test('a logout without a session is still 204 and expires the cookie', async () => {
    const response = await new DemoClient(app.baseUrl).logout();
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie().join('\n')).toMatch(
      new RegExp(`^${SESSION_COOKIE.replace('.', '\\.')}=;.*Max-Age=0.*Expires=Thu, 01 Jan 1970`, 'i'),
    );
  });

  test('a login body over 1 kB gets a JSON 413 and no session', async () => {
    const client = new DemoClient(app.baseUrl);
    const response = await client.request(DEMO_ROUTES.login, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', padding: 'x'.repeat(2000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'The request body is too large.' });
    expect(client.cookie).toBeUndefined();
  });
});

describe('Hono example behind two proxies (TRUST_PROXY_HOPS=2)', () => {
  const app = serveDuringSuite(start, { loginRateLimitPerMinute: 1, trustProxyHops: 2 });

  test('the login limit counts the entry two hops from the right of X-Forwarded-For', async () => {
    // The client (203.0.113.x) reached the outer proxy, which the inner proxy (10.0.0.x) forwarded.
    const login = (xff: string): Promise<number> => new DemoClient(app.baseUrl).login('alice', { 'x-forwarded-for': xff }).then((r) => r.status);
    expect(await login('198.51.100.1, 203.0.113.7, 10.0.0.1')).toBe(200);
    // Same client: a new forged entry and another outer proxy instance do not help.
    expect(await login('198.51.100.2, 203.0.113.7, 10.0.0.2')).toBe(429);
    expect(await login('203.0.113.7, 10.0.0.1')).toBe(429);
    // Another client behind the same proxies has a budget of its own.
    expect(await login('198.51.100.2, 203.0.113.8, 10.0.0.1')).toBe(200);
  });
});

describe('Hono example with the stores passed in', () => {
  const sessionStore = createMemorySessionStore();
  const stored: string[] = [];
  const destroyed: string[] = [];
  const recordingSessionStore: SessionStore = {
    get: (id) => sessionStore.get(id),
    set: (id, data, ttlSeconds) => {
      stored.push(`${id} ${data.user.username} ${ttlSeconds}`);
      return sessionStore.set(id, data, ttlSeconds);
    },
    destroy: (id) => {
      destroyed.push(id);
      return sessionStore.destroy(id);
    },
  };
  const rateLimitStores = new Map<string, MemoryStore<HonoExampleEnv>>();
  const app = serveDuringSuite(
    startWith({
      sessionStore: recordingSessionStore,
      rateLimitStore: (limit) => {
        const store = new MemoryStore<HonoExampleEnv>();
        rateLimitStores.set(limit, store);
        return store;
      },
    }),
  );

  test('sessions live in the given session store: a login stores one, a new login replaces it, logout destroys it', async () => {
    const alice = new DemoClient(app.baseUrl);
    await alice.login('alice');
    expect(stored).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{43} alice 28800$/)]);
    const firstId = stored[0]!.split(' ')[0]!;
    await alice.login('bob');
    expect(destroyed).toEqual([firstId]);
    const secondId = stored[1]!.split(' ')[0]!;
    expect(secondId).not.toBe(firstId);
    expect(await sessionStore.get(secondId)).toEqual({ user: { username: 'bob' } });
    expect((await alice.logout()).status).toBe(204);
    expect(destroyed).toEqual([firstId, secondId]);
    expect(await sessionStore.get(secondId)).toBeUndefined();
  });

  test('each rate limit counts in a store of its own from the factory', async () => {
    expect([...rateLimitStores.keys()].sort()).toEqual(['login', 'token']);
    // Requests come from the loopback peer (TRUST_PROXY_HOPS=0).
    const hits = (limit: string): number => rateLimitStores.get(limit)!.get('127.0.0.1')?.totalHits ?? 0;
    const [loginBefore, tokenBefore] = [hits('login'), hits('token')];
    const client = new DemoClient(app.baseUrl);
    await client.token();
    await client.token();
    await client.login('alice');
    expect(hits('token') - tokenBefore).toBe(2);
    expect(hits('login') - loginBefore).toBe(1);
  });
});

describe('Hono example with a failing session store', () => {
  const failing: SessionStore = {
    get: () => Promise.reject(new Error('session store down')),
    set: () => Promise.reject(new Error('session store down')),
    destroy: () => Promise.reject(new Error('session store down')),
  };
  const sessionSecret = 'a-session-secret-for-this-test';
  const app = serveDuringSuite(startWith({ sessionStore: failing }), { sessionSecret });

  test('login answers a JSON 500 that says nothing of the cause, and logs it', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const client = new DemoClient(app.baseUrl);
      const login = await client.login('alice');
      expect(login.status).toBe(500);
      expect(await login.json()).toEqual({ error: 'The server failed; it has logged the cause.' });
      expect(client.cookie).toBeUndefined();
      expect(logged).toHaveBeenCalledWith('Hono example: request failed', expect.objectContaining({ message: 'session store down' }));
    } finally {
      logged.mockRestore();
    }
  });

  test('the token route answers Ably\u2019s 500 when the store fails to read a validly signed session, and logs the cause', async () => {
    const cookie = (await serializeSigned(SESSION_COOKIE, randomBytes(32).toString('base64url'), sessionSecret)).split(';')[0]!;
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const response = await fetch(app.baseUrl + DEMO_ROUTES.token, { headers: { cookie } });
      expect(response.status).toBe(500);
      expect(response.headers.get('x-ably-errorcode')).toBe('50000');
      expect(await response.json()).toEqual({ error: { code: 50000, statusCode: 500, message: 'The server failed; it has logged the cause.' } });
      expect(logged).toHaveBeenCalledWith('Hono example: request failed', expect.objectContaining({ message: 'session store down' }));
    } finally {
      logged.mockRestore();
    }
    // Without a valid signature the store is never asked: not signed in.
    expect((await fetch(app.baseUrl + DEMO_ROUTES.token, { headers: { cookie: `${SESSION_COOKIE}=x.y` } })).status).toBe(401);
  });
});

describe('Hono example createApp options', () => {
  test('`redis` together with `sessionStore` or `rateLimitStore` is refused, naming both ways', () => {
    const config = createDemoConfig({ port: 0 });
    const redis = {} as Redis;
    expect(() => createApp(config, { redis, sessionStore: createMemorySessionStore() })).toThrow(
      'createApp: pass either `redis` (sessions and rate limits in Redis) or `sessionStore` / `rateLimitStore`, not both.',
    );
    expect(() => createApp(config, { redis, rateLimitStore: () => new MemoryStore<HonoExampleEnv>() })).toThrow(/either `redis`.*not both/);
  });
});
