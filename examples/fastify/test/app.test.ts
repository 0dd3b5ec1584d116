import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { SessionStore } from '@fastify/session';
import { DEMO_ROUTES, createDemoConfig } from '@ably-chat-auth-examples/shared';
import { DemoClient, describeDemoExample, serveDuringSuite, type RunningDemoApp, type StartDemoApp } from '@ably-chat-auth-examples/shared/testing';
import { createApp, createMemorySessionStore, SESSION_COOKIE, type FastifyExampleOptions } from '../src/index';

function starter(options: FastifyExampleOptions = {}): StartDemoApp {
  return async (config) => {
    const app = await createApp(config, { logger: false, ...options });
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    // app.close() also ends keep-alive connections (forceCloseConnections).
    return { baseUrl, close: () => app.close() };
  };
}

// Everything the Fastify example must do is the shared demo contract (examples/shared/README.md).
describeDemoExample('Fastify', { start: starter(), serverEntry: join(__dirname, '..', 'src', 'server.ts'), sessionCookie: SESSION_COOKIE });

describe('Fastify example session cookie and logout', () => {
  const app = serveDuringSuite(starter());

  test('a session cookie with a forged id or signature gets 401', async () => {
    const alice = new DemoClient(app.baseUrl);
    await alice.login('alice');
    // @fastify/session's cookie is `<random id>.<signature>`, never the user.
    const value = decodeURIComponent(alice.jar.get(SESSION_COOKIE)!);
    const dot = value.lastIndexOf('.');
    const [id, signature] = [value.slice(0, dot), value.slice(dot + 1)];
    expect(id.length).toBeGreaterThanOrEqual(32);
    expect(signature.length).toBeGreaterThan(20);
    const tokenUrl = app.baseUrl + DEMO_ROUTES.token;
    expect((await fetch(tokenUrl, { headers: { cookie: alice.cookie! } })).status).toBe(200);
    for (const forged of [id, `${id}.${signature.slice(1)}x`, `${randomUUID().replace(/-/g, '')}.${signature}`]) {
      expect((await fetch(tokenUrl, { headers: { cookie: `${SESSION_COOKIE}=${encodeURIComponent(forged)}` } })).status).toBe(401);
    }
  });

  test('logout works as the page posts it: Content-Type application/json and no body', async () => {
    const alice = new DemoClient(app.baseUrl);
    await alice.login('alice');
    const oldCookie = alice.cookie!;
    const logout = await alice.request(DEMO_ROUTES.logout, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' } });
    expect(logout.status).toBe(204);
    expect((await fetch(app.baseUrl + DEMO_ROUTES.token, { headers: { cookie: oldCookie } })).status).toBe(401);
  });
});

describe('Fastify example routing and limits', () => {
  const app = serveDuringSuite(starter(), { tokenRateLimitPerMinute: 2, loginRateLimitPerMinute: 50 });

  test('an oversized login body gets a JSON 413; an unknown path a JSON 404', async () => {
    const client = new DemoClient(app.baseUrl);
    const large = await client.login('a'.repeat(2000));
    expect(large.status).toBe(413);
    expect(await large.json()).toEqual({ error: 'The request body is too large.' });
    expect(client.cookie).toBeUndefined();
    const missing = await fetch(`${app.baseUrl}/nowhere?x=1`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Cannot GET /nowhere' });
  });
});

/** A session store that counts what the app asks of it, over the example's default store. */
function countingSessionStore(): SessionStore & { gets: number; sets: number } {
  const inner = createMemorySessionStore();
  const store = {
    gets: 0,
    sets: 0,
    get: (...args: Parameters<SessionStore['get']>) => {
      store.gets++;
      inner.get(...args);
    },
    set: (...args: Parameters<SessionStore['set']>) => {
      store.sets++;
      inner.set(...args);
    },
    destroy: (...args: Parameters<SessionStore['destroy']>) => inner.destroy(...args),
  };
  return store;
}

describe('Fastify example session store', () => {
  const store = countingSessionStore();
  const app = serveDuringSuite(starter({ sessionStore: store }), { loginRateLimitPerMinute: 100 });

  test('logins land in the store passed to createApp', async () => {
    const before = store.sets;
    const alice = new DemoClient(app.baseUrl);
    expect((await alice.login('alice')).status).toBe(200);
    expect(store.sets).toBeGreaterThan(before);
    expect((await alice.token()).status).toBe(200);
  });

  test('a cross-site login or logout is refused before the session is loaded: the store is never read', async () => {
    const alice = new DemoClient(app.baseUrl);
    await alice.login('alice');
    const before = store.gets;
    expect((await alice.formLogin('mallory', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await alice.logout({ origin: 'https://evil.test' })).status).toBe(403);
    expect(store.gets).toBe(before);
    // The same cookie on an allowed request is read from the store.
    expect((await alice.token()).status).toBe(200);
    expect(store.gets).toBe(before + 1);
  });
});

/** A @fastify/rate-limit store whose instances share one table, as a Redis store shares its server. */
function sharedRateLimitStore(): { Store: FastifyRateLimitStoreCtor; keys: () => string[] } {
  const counts = new Map<string, { current: number; resetAt: number }>();
  class SharedCounts implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const now = Date.now();
      const existing = counts.get(key);
      const entry = existing && existing.resetAt > now ? existing : { current: 0, resetAt: now + timeWindow };
      entry.current++;
      counts.set(key, entry);
      callback(null, { current: entry.current, ttl: entry.resetAt - now });
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return { Store: SharedCounts, keys: () => [...counts.keys()] };
}

describe('Fastify example with stores shared by two processes', () => {
  const sessionStore = createMemorySessionStore();
  const limits = sharedRateLimitStore();
  // Two app instances with one config (one SESSION_SECRET), as two processes behind one load balancer.
  const config = createDemoConfig({ port: 0, loginRateLimitPerMinute: 2, sessionSecret: 'shared-session-secret' });
  const running: RunningDemoApp[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) running.push(await starter({ sessionStore, rateLimitStore: { store: limits.Store } })(config));
  });
  afterAll(() => Promise.all(running.map((app) => app.close())));

  test('a login on one instance is known to the other, and the login limit counts across both', async () => {
    const [first, second] = running as [RunningDemoApp, RunningDemoApp];
    const alice = new DemoClient(first.baseUrl);
    expect((await alice.login('alice')).status).toBe(200);
    expect((await fetch(second.baseUrl + DEMO_ROUTES.token, { headers: { cookie: alice.cookie! } })).status).toBe(200);
    expect((await new DemoClient(second.baseUrl).login('bob')).status).toBe(200);
    const limited = await new DemoClient(first.baseUrl).login('carol');
    expect(limited.status).toBe(429);
    // Each limit counts under keys of its own, so one store holds both.
    expect(limits.keys().sort()).toEqual(['login:127.0.0.1', 'token:127.0.0.1']);
  });
});
