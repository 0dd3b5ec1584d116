import { expect } from '@jest/globals';
import { bodyParser } from '@koa/bodyparser';
import * as Ably from 'ably';
import type Koa from 'koa';
import { createTokenMiddleware, isAblyChatAuthError, writeTokenRouteResponse, type KoaTokenMiddlewareOptions } from '@ably-chat-auth/koa';
import { ablyErrorResponse } from '@ably-chat-auth/core/adapter';
import {
  API_KEY,
  KOA_VERSIONS,
  SECRET,
  bearer,
  bearerAuth,
  expectAblyError,
  expectNoStore,
  serve,
  verifyAblyJwt,
  type Running,
  type TestUser,
} from './helpers';

const policy = (user: TestUser) => (user.banned ? null : { lobby: ['send', 'receive'] as const, [`dms:${user.id}:*`]: 'all' as const });

describe.each(KOA_VERSIONS)('createTokenMiddleware on %s', (name, KoaApp, version) => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  /** auth middleware -> token middleware -> a downstream handler that answers everything else. */
  async function start(options: Partial<KoaTokenMiddlewareOptions<TestUser>> = {}, setup?: (app: Koa) => void): Promise<string> {
    const app = new KoaApp();
    setup?.(app);
    app.use(bearerAuth);
    app.use(createTokenMiddleware<TestUser>({ apiKey: API_KEY, policy, logger: false, ...options }));
    app.use((ctx) => {
      ctx.body = `downstream ${ctx.path}`;
    });
    running = await serve(app);
    return running.url;
  }

  it('runs on the Koa major it names', () => {
    expect(`Koa ${version.split('.')[0]}`).toBe(name);
  });

  it('issues a JWT to the user an auth middleware left on ctx.state.user, with the exact headers', async () => {
    const url = await start();
    const res = await fetch(`${url}/api/ably-token`, { headers: bearer('alice') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/jwt');
    expectNoStore(res);
    const token = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(token)));
    const claims = await verifyAblyJwt(token);
    expect(claims['x-ably-clientId']).toBe('alice');
    expect(JSON.parse(claims['x-ably-capability']!) as Record<string, unknown>).toEqual({
      lobby: ['publish', 'subscribe'],
      'dms:alice:*': expect.arrayContaining(['publish', 'subscribe', 'presence', 'history']),
    });
    expect(token).not.toContain(SECRET);
  });

  it('answers 401 in Ably error shape when no user is on ctx.state', async () => {
    const url = await start();
    await expectAblyError(await fetch(`${url}/api/ably-token`), 401, 40100);
  });

  it('answers 403 when the policy grants nothing', async () => {
    const url = await start();
    await expectAblyError(await fetch(`${url}/api/ably-token`, { headers: bearer('mallory') }), 403, 40300);
  });

  it("answers other methods with core's 405 and Allow header", async () => {
    const url = await start();
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(`${url}/api/ably-token`, { method, headers: bearer('alice') });
      await expectAblyError(res, 405, 40500);
      expect(res.headers.get('allow')).toBe('GET, POST');
    }
    const head = await fetch(`${url}/api/ably-token`, { method: 'HEAD', headers: bearer('alice') });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('GET, POST');
  });

  it('answers 500 when the resolver throws and 503 with Retry-After when the key provider fails, without Koa error events', async () => {
    const errors: unknown[] = [];
    const url = await start(
      {
        resolveUser: (ctx) => {
          if (ctx.get('x-break') === 'resolver') throw new Error('session store down');
          return ctx.state.user as TestUser;
        },
        apiKey: () => {
          throw new Error('vault down');
        },
      },
      (app) => app.on('error', (error: unknown) => errors.push(error)),
    );
    await expectAblyError(await fetch(`${url}/api/ably-token`, { headers: { ...bearer('alice'), 'x-break': 'resolver' } }), 500, 50000);
    const unavailable = await fetch(`${url}/api/ably-token`, { headers: bearer('alice') });
    await expectAblyError(unavailable, 503, 50300);
    expect(unavailable.headers.get('retry-after')).toBe('5');
    expect(errors).toEqual([]);
  });

  it('passes every other path to the next middleware without resolving a user', async () => {
    let resolved = 0;
    const url = await start({
      resolveUser: (ctx) => {
        resolved += 1;
        return ctx.state.user as TestUser;
      },
    });
    for (const path of ['/', '/other', '/api/ably-token/extra', '/api/ably-tokens', '/api/ably', '/API/ABLY-TOKEN']) {
      const res = await fetch(`${url}${path}`, { headers: bearer('alice') });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(`downstream ${path}`);
    }
    expect(resolved).toBe(0);
    const res = await fetch(`${url}/api/ably-token`, { headers: bearer('alice') });
    expect(res.status).toBe(200);
    expect(resolved).toBe(1);
  });

  it('answers the configured path only', async () => {
    const url = await start({ path: '/auth/chat-token' });
    const res = await fetch(`${url}/auth/chat-token`, { headers: bearer('bob') });
    expect(res.status).toBe(200);
    expect((await verifyAblyJwt(await res.text()))['x-ably-clientId']).toBe('bob');
    const other = await fetch(`${url}/api/ably-token`, { headers: bearer('bob') });
    expect(await other.text()).toBe('downstream /api/ably-token');
  });

  it('ignores clientId and capability the client sends in the query string', async () => {
    const url = await start();
    const query = new URLSearchParams({ clientId: 'bob', capability: JSON.stringify({ '*': ['*'] }), ttl: '86400000' });
    const res = await fetch(`${url}/api/ably-token?${query}`, { headers: bearer('alice') });
    expect(res.status).toBe(200);
    const claims = await verifyAblyJwt(await res.text());
    expect(claims['x-ably-clientId']).toBe('alice');
    expect(Object.keys(JSON.parse(claims['x-ably-capability']!) as Record<string, unknown>)).toEqual(expect.arrayContaining(['lobby', 'dms:alice:*']));
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(3600 + 60);
  });

  it('passes the Koa ctx itself to the resolver and the policy', async () => {
    const seen: { upstream?: Koa.Context; resolver?: unknown; policy?: unknown } = {};
    const url = await start(
      {
        resolveUser: (ctx) => {
          seen.resolver = ctx;
          return ctx.state.user as TestUser;
        },
        policy: (user, ctx) => {
          seen.policy = ctx;
          // A policy can read anything Koa offers: here a room named by a header.
          return { [`support:${ctx.get('x-ticket')}`]: ['send', 'receive'], [`user:${user.id}`]: 'all' };
        },
      },
      (app) =>
        app.use(async (ctx, next) => {
          seen.upstream = ctx;
          await next();
        }),
    );
    const res = await fetch(`${url}/api/ably-token`, { headers: { ...bearer('alice'), 'x-ticket': 't42' } });
    expect(res.status).toBe(200);
    expect(seen.upstream).toBeDefined();
    expect(seen.resolver).toBe(seen.upstream);
    expect(seen.policy).toBe(seen.upstream);
    const claims = await verifyAblyJwt(await res.text());
    expect(Object.keys(JSON.parse(claims['x-ably-capability']!) as Record<string, unknown>).sort()).toEqual(['support:t42', 'user:alice']);
  });

  it('writes through Koa, so upstream logging and CORS middleware see and keep the answer', async () => {
    const log: Array<{ status: number; type: string | undefined; length: number | undefined }> = [];
    const url = await start({}, (app) => {
      app.use(async (ctx, next) => {
        await next();
        log.push({ status: ctx.status, type: ctx.response.get('Content-Type'), length: ctx.length });
      });
      app.use(async (ctx, next) => {
        ctx.set('Access-Control-Allow-Origin', 'https://chat.example');
        ctx.set('Vary', 'Origin');
        await next();
      });
    });
    const ok = await fetch(`${url}/api/ably-token`, { headers: bearer('alice') });
    const token = await ok.text();
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://chat.example');
    expect(ok.headers.get('vary')).toBe('Origin');
    const denied = await fetch(`${url}/api/ably-token`);
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://chat.example');
    expect(log).toEqual([
      { status: 200, type: 'application/jwt', length: Buffer.byteLength(token) },
      { status: 401, type: 'application/json; charset=utf-8', length: expect.any(Number) },
    ]);
  });

  it("keeps core's JSON Content-Type for responseFormat 'token-details'", async () => {
    const url = await start({ responseFormat: 'token-details' });
    const res = await fetch(`${url}/api/ably-token`, { headers: bearer('bob') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expectNoStore(res);
    const details = (await res.json()) as { token: string; clientId: string; issued: number; expires: number; capability: string };
    expect(details.clientId).toBe('bob');
    expect(details.expires).toBeGreaterThan(details.issued);
    expect((await verifyAblyJwt(details.token))['x-ably-clientId']).toBe('bob');
  });

  describe('request bodies', () => {
    const form = new URLSearchParams({ clientId: 'bob', capability: JSON.stringify({ '*': ['*'] }) });

    it('answers POST without a body parser, leaving the body unread, and keeps the connection usable', async () => {
      const url = await start();
      for (let i = 0; i < 3; i += 1) {
        const res = await fetch(`${url}/api/ably-token`, { method: 'POST', headers: bearer('alice'), body: form });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/jwt');
        expect((await verifyAblyJwt(await res.text()))['x-ably-clientId']).toBe('alice');
      }
    });

    it('answers POST behind @koa/bodyparser, ignoring form and JSON parameters', async () => {
      let parsed: unknown;
      const url = await start({}, (app) => {
        app.use(bodyParser({ enableTypes: ['json', 'form'] }));
        app.use(async (ctx, next) => {
          await next();
          parsed ??= ctx.request.body;
        });
      });
      const viaForm = await fetch(`${url}/api/ably-token`, { method: 'POST', headers: bearer('alice'), body: form });
      expect(viaForm.status).toBe(200);
      expect(parsed).toEqual({ clientId: 'bob', capability: '{"*":["*"]}' });
      const viaJson = await fetch(`${url}/api/ably-token`, {
        method: 'POST',
        headers: { ...bearer('alice'), 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: 'bob' }),
      });
      expect(viaJson.status).toBe(200);
      for (const token of [await viaForm.text(), await viaJson.text()]) {
        const claims = await verifyAblyJwt(token);
        expect(claims['x-ably-clientId']).toBe('alice');
        expect(JSON.parse(claims['x-ably-capability']!) as Record<string, unknown>).not.toHaveProperty('*');
      }
      const get = await fetch(`${url}/api/ably-token`, { headers: bearer('alice') });
      expect(get.status).toBe(200);
    });
  });

  describe('with the real Ably client (authUrl)', () => {
    it('fetches a token by GET and by POST', async () => {
      const url = await start();
      for (const authMethod of ['GET', 'POST'] as const) {
        const ably = new Ably.Rest({ authUrl: `${url}/api/ably-token`, authMethod, authHeaders: bearer('bob'), logLevel: 0 });
        const details = await ably.auth.requestToken();
        expect((await verifyAblyJwt(details.token))['x-ably-clientId']).toBe('bob');
      }
    });

    it('surfaces 403 and 401 with their status codes', async () => {
      const url = await start();
      const banned = new Ably.Rest({ authUrl: `${url}/api/ably-token`, authHeaders: bearer('mallory'), logLevel: 0 });
      await expect(banned.auth.requestToken()).rejects.toMatchObject({ statusCode: 403, code: 40300 });
      const anonymous = new Ably.Rest({ authUrl: `${url}/api/ably-token`, logLevel: 0 });
      await expect(anonymous.auth.requestToken()).rejects.toMatchObject({ statusCode: 401, code: 40100 });
    });
  });

  it('exposes the core route for tokens outside the request cycle', async () => {
    const middleware = createTokenMiddleware<TestUser>({ apiKey: API_KEY, policy, logger: false });
    const issued = await middleware.route.issueForUser({ id: 'carol', name: 'Carol' }, {} as Koa.Context);
    expect((await verifyAblyJwt(issued!.token))['x-ably-clientId']).toBe('carol');
    expect(await middleware.route.issueForUser({ id: 'eve', name: 'Eve', banned: true }, {} as Koa.Context)).toBeNull();
  });
});

describe('createTokenMiddleware options', () => {
  it.each([['api/ably-token'], [''], ['/api/ably-token?x=1'], ['/api/ably token'], [42]])('refuses the path %p at creation', (path) => {
    expect(() => createTokenMiddleware({ apiKey: API_KEY, policy: { lobby: 'all' }, path: path as string })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', message: expect.stringContaining("path must be a URL path starting with '/'") }),
    );
  });

  it('refuses a missing options object, naming the factory', () => {
    expect(() => createTokenMiddleware(undefined as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', message: expect.stringContaining('createTokenMiddleware') }),
    );
  });

  it("fails at creation on core's checks, never echoing the key", () => {
    const bad = 'appKoa.keyTest-no-colon-super-secret';
    let caught: unknown;
    try {
      createTokenMiddleware({ apiKey: bad, policy: { lobby: 'all' } });
    } catch (error) {
      caught = error;
    }
    expect(isAblyChatAuthError(caught, 'ERR_INVALID_API_KEY')).toBe(true);
    expect((caught as Error).message).not.toContain('super-secret');
    expect(() => createTokenMiddleware({ apiKey: API_KEY, policy: {} })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_GRANTS' }));
  });
});

describe.each(KOA_VERSIONS)('writeTokenRouteResponse on %s', (_name, KoaApp) => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('keeps the answer’s Content-Type, and lets Koa infer one only when the answer has none', async () => {
    const app = new KoaApp();
    app.use((ctx) => {
      if (ctx.path === '/jwt')
        writeTokenRouteResponse(ctx, { status: 200, headers: { 'Content-Type': 'application/jwt', 'Cache-Control': 'no-store' }, body: '<not html>' });
      else if (ctx.path === '/error') writeTokenRouteResponse(ctx, ablyErrorResponse(429, 42910, 'Too many token requests.', { 'Retry-After': '60' }));
      else writeTokenRouteResponse(ctx, { status: 202, headers: { 'X-Custom': 'yes' }, body: 'plain' });
    });
    running = await serve(app);
    const jwt = await fetch(`${running.url}/jwt`);
    expect([jwt.status, jwt.headers.get('content-type'), jwt.headers.get('cache-control'), await jwt.text()]).toEqual([
      200,
      'application/jwt',
      'no-store',
      '<not html>',
    ]);
    const error = await fetch(`${running.url}/error`);
    expect([error.status, error.headers.get('content-type'), error.headers.get('retry-after'), error.headers.get('content-length')]).toEqual([
      429,
      'application/json; charset=utf-8',
      '60',
      String(Buffer.byteLength(await error.clone().text())),
    ]);
    expect(((await error.json()) as { error: { code: number } }).error.code).toBe(42910);
    const plain = await fetch(`${running.url}/other`);
    expect([plain.status, plain.headers.get('content-type'), plain.headers.get('x-custom'), await plain.text()]).toEqual([
      202,
      'text/plain; charset=utf-8',
      'yes',
      'plain',
    ]);
  });
});
