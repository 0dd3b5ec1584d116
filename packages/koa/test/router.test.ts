import { expect } from '@jest/globals';
import Router from '@koa/router';
import type Koa from 'koa';
import { createTokenHandler, type KoaTokenHandlerOptions } from '@ably-chat-auth/koa';
import { API_KEY, KOA_VERSIONS, bearer, bearerAuth, expectAblyError, expectNoStore, serve, verifyAblyJwt, type Running, type TestUser } from './helpers';

const policy = (user: TestUser) => (user.banned ? null : { lobby: 'all' as const });

describe.each(KOA_VERSIONS)('createTokenHandler with @koa/router on %s', (_name, KoaApp) => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function start(route: (router: Router, handler: Koa.Middleware) => void, options: Partial<KoaTokenHandlerOptions<TestUser>> = {}): Promise<string> {
    const app = new KoaApp();
    const router = new Router();
    route(router, createTokenHandler<TestUser>({ apiKey: API_KEY, policy, logger: false, ...options }));
    app.use(bearerAuth);
    app.use(router.routes());
    app.use(router.allowedMethods());
    running = await serve(app);
    return running.url;
  }

  it('router.all: GET and POST get a token, other methods get 405, other paths stay 404', async () => {
    const url = await start((router, handler) => router.all('/api/ably-token', handler));
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${url}/api/ably-token`, { method, headers: bearer('alice') });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/jwt');
      expectNoStore(res);
      expect((await verifyAblyJwt(await res.text()))['x-ably-clientId']).toBe('alice');
    }
    const put = await fetch(`${url}/api/ably-token`, { method: 'PUT', headers: bearer('alice') });
    await expectAblyError(put, 405, 40500);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect((await fetch(`${url}/elsewhere`, { headers: bearer('alice') })).status).toBe(404);
  });

  it('router.all: 401 without a user, 403 without grants', async () => {
    const url = await start((router, handler) => router.all('/api/ably-token', handler));
    await expectAblyError(await fetch(`${url}/api/ably-token`), 401, 40100);
    await expectAblyError(await fetch(`${url}/api/ably-token`, { headers: bearer('mallory') }), 403, 40300);
  });

  it('router.get and router.post share one handler', async () => {
    const url = await start((router, handler) => {
      router.get('/api/ably-token', handler);
      router.post('/api/ably-token', handler);
    });
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${url}/api/ably-token`, { method, headers: bearer('bob') });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/jwt');
      expect((await verifyAblyJwt(await res.text()))['x-ably-clientId']).toBe('bob');
    }
    // Methods the router does not route are the router's business (allowedMethods answers 405).
    const del = await fetch(`${url}/api/ably-token`, { method: 'DELETE', headers: bearer('bob') });
    expect(del.status).toBe(405);
  });

  it('runs after route-level auth middleware and sees route params on ctx', async () => {
    const requireUser: Koa.Middleware = async (ctx, next) => {
      if (!ctx.state.user) ctx.throw(401, 'login first');
      await next();
    };
    const url = await start((router, handler) => router.get('/teams/:team/ably-token', requireUser, handler), {
      policy: (user, ctx) => (user.banned ? null : { [`team:${(ctx.params as Record<string, string>).team}:*`]: ['send', 'receive', 'history'] }),
    });
    const res = await fetch(`${url}/teams/red/ably-token`, { headers: bearer('alice') });
    expect(res.status).toBe(200);
    const claims = await verifyAblyJwt(await res.text());
    expect(JSON.parse(claims['x-ably-capability']!)).toEqual({ 'team:red:*': ['history', 'publish', 'subscribe'] });
    expect((await fetch(`${url}/teams/red/ably-token`)).status).toBe(401);
  });

  it('answers a prefixed, nested router', async () => {
    const app = new KoaApp();
    const api = new Router({ prefix: '/api' });
    api.all('/ably-token', createTokenHandler<TestUser>({ apiKey: API_KEY, policy, logger: false }));
    app.use(bearerAuth);
    app.use(api.routes());
    running = await serve(app);
    const res = await fetch(`${running.url}/api/ably-token`, { headers: bearer('alice') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/jwt');
  });
});

describe('createTokenHandler options', () => {
  it('refuses a missing options object, naming the factory', () => {
    expect(() => createTokenHandler(null as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', message: expect.stringContaining('createTokenHandler') }),
    );
  });

  it("fails at creation on core's checks", () => {
    expect(() => createTokenHandler({ apiKey: API_KEY, policy: 'everyone' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }));
  });
});
