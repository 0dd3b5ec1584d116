import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import * as Ably from 'ably';
import { expectAblyError, expectToken, randomTestKey, request, type ReadResponse } from '@ably-chat-auth/adapter-contract/testing';
import ablyChatAuthDefault, { ablyChatAuth, isAblyChatAuthError, type FastifyTokenPluginOptions } from '@ably-chat-auth/fastify';
import { FASTIFY_VERSIONS, listen } from './helpers';

interface TestUser {
  id: string;
  banned?: boolean;
}

const USERS: Record<string, TestUser> = { 'token-alice': { id: 'alice' }, 'token-mallory': { id: 'mallory', banned: true } };
const KEY = randomTestKey('appFastify.keyTest', 'FASTIFY');
const policy = (user: TestUser) => (user.banned ? null : { lobby: 'all' as const });
const bearer = (who: 'alice' | 'mallory') => ({ authorization: `Bearer token-${who}` });

/** An @fastify/jwt-style auth hook: a known bearer token puts its user on `request.user`. */
function bearerAuth(app: FastifyInstance): void {
  // Fastify 5 wants request decorators declared up front, with a null (not reference) value.
  app.decorateRequest('user', null);
  app.addHook('onRequest', (req, _reply, done) => {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const user = match ? USERS[match[1]!] : undefined;
    if (user) (req as FastifyRequest & { user: TestUser | null }).user = user;
    done();
  });
}

describe.each(FASTIFY_VERSIONS)('ablyChatAuth on %s', (name, Fastify, version) => {
  let running: { baseUrl: string; close(): Promise<void> } | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function start(options: Partial<FastifyTokenPluginOptions<TestUser>> = {}, setup?: (app: FastifyInstance) => void | Promise<void>): Promise<string> {
    const app = Fastify();
    bearerAuth(app);
    await setup?.(app);
    await app.register(ablyChatAuth<TestUser>, { apiKey: KEY.apiKey, policy, logger: false, ...options });
    running = await listen(app);
    return running.baseUrl;
  }

  it('runs on the Fastify major it names', () => {
    expect(`Fastify ${version.split('.')[0]}`).toBe(name);
  });

  it('issues a token to the user an auth hook left on request.user, 401 without one, 403 for a user the policy refuses', async () => {
    const url = await start();
    const claims = await expectToken(await request(`${url}/api/ably-token`, { headers: bearer('alice') }), KEY);
    expect(claims['x-ably-clientId']).toBe('alice');
    expectAblyError(await request(`${url}/api/ably-token`), 401, 40100);
    expectAblyError(await request(`${url}/api/ably-token`, { headers: bearer('mallory') }), 403, 40300);
  });

  it('resolveUser replaces request.user and gets the FastifyRequest; the policy gets it too', async () => {
    const seen: string[] = [];
    const url = await start({
      resolveUser: (req) => (req.headers['x-user'] ? { id: String(req.headers['x-user']) } : null),
      policy: (user, req) => {
        seen.push(`${req.method} ${req.url}`);
        return { [`dms:${user.id}:*`]: 'all' };
      },
    });
    const claims = await expectToken(await request(`${url}/api/ably-token?x=1`, { headers: { 'x-user': 'bob', ...bearer('alice') } }), KEY);
    expect(claims['x-ably-clientId']).toBe('bob');
    expect(seen).toEqual(['GET /api/ably-token?x=1']);
  });

  it('serves the route at `path`, and nothing at the default path then', async () => {
    const url = await start({ path: '/auth/ably' });
    await expectToken(await request(`${url}/auth/ably`, { method: 'POST', headers: bearer('alice') }), KEY);
    expect((await request(`${url}/api/ably-token`, { headers: bearer('alice') })).status).toBe(404);
  });

  it('a prefix of the enclosing context applies to the route, and the decoration lives in that context', async () => {
    const app = Fastify();
    await app.register(
      async (v1) => {
        await v1.register(ablyChatAuth<TestUser>, { apiKey: KEY.apiKey, policy, logger: false, path: '/chat/token', resolveUser: () => ({ id: 'dan' }) });
        expect(v1.hasDecorator('ablyChatAuth')).toBe(true);
      },
      { prefix: '/v1' },
    );
    expect(app.hasDecorator('ablyChatAuth')).toBe(false);
    running = await listen(app);
    expect((await expectToken(await request(`${running.baseUrl}/v1/chat/token`), KEY))['x-ably-clientId']).toBe('dan');
    expect((await request(`${running.baseUrl}/chat/token`)).status).toBe(404);
  });

  it('answers PUT/DELETE/HEAD with core 405 and the CORS preflight of an allowed origin with 204', async () => {
    const url = await start({ allowedOrigins: ['https://chat.example'] });
    for (const method of ['PUT', 'DELETE']) {
      const answer = await request(`${url}/api/ably-token`, { method, headers: bearer('alice') });
      expectAblyError(answer, 405, 40500);
      expect(answer.headers.get('allow')).toBe('GET, POST');
    }
    expect((await request(`${url}/api/ably-token`, { method: 'HEAD', headers: bearer('alice') })).status).toBe(405);
    const preflight = await request(`${url}/api/ably-token`, {
      method: 'OPTIONS',
      headers: { origin: 'https://chat.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://chat.example');
  });

  describe('content types: the route accepts every body unread, the rest of the app keeps its parsers', () => {
    async function startWithEcho(): Promise<string> {
      return start({}, (app) => {
        app.post('/echo', (req, reply) => reply.send({ body: req.body }));
      });
    }

    it.each([
      ['application/x-www-form-urlencoded', 'clientId=mallory&capability=%7B%22*%22%3A%5B%22*%22%5D%7D&ttl=99999999'],
      ['application/octet-stream', Buffer.alloc(64 * 1024, 7)],
      ['application/json', '{"clientId": "mallory", broken'],
      ['text/plain', 'anything'],
    ])('a POST of %s gets a token for the session user', async (contentType, body) => {
      const url = await startWithEcho();
      const answer = await request(`${url}/api/ably-token`, { method: 'POST', headers: { 'content-type': contentType, ...bearer('alice') }, body });
      expect((await expectToken(answer, KEY))['x-ably-clientId']).toBe('alice');
    });

    it('the real ably client, authMethod POST (a form body), gets its token', async () => {
      const url = await startWithEcho();
      const rest = new Ably.Rest({ authUrl: `${url}/api/ably-token`, authMethod: 'POST', authHeaders: bearer('alice'), authParams: { clientId: 'mallory' } });
      const token = await rest.auth.requestToken();
      const claims = JSON.parse(Buffer.from(token.token.split('.')[1]!, 'base64url').toString()) as { 'x-ably-clientId'?: string };
      expect(claims['x-ably-clientId']).toBe('alice');
    });

    it("another route still gets Fastify's 415 for a form body and its JSON parser for JSON", async () => {
      const url = await startWithEcho();
      const form = await request(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
      expect(form.status).toBe(415);
      expect(JSON.parse(form.body)).toMatchObject({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
      const json = await request(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expect({ status: json.status, body: JSON.parse(json.body) as unknown }).toEqual({ status: 200, body: { body: { a: 1 } } });
      expect((await request(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{broken' })).status).toBe(400);
    });
  });

  it("answers through reply: the app's onSend and onResponse hooks see the status, headers and body, and can add a header", async () => {
    const sent: Array<{ url: string; status: number; cacheControl: unknown; payload: unknown }> = [];
    const finished: number[] = [];
    const url = await start({}, (app) => {
      app.addHook('onSend', async (req, reply, payload) => {
        sent.push({ url: req.url, status: reply.statusCode, cacheControl: reply.getHeader('cache-control'), payload });
        reply.header('x-frame-options', 'DENY'); // as @fastify/helmet does
        return payload;
      });
      app.addHook('onResponse', async (_req, reply) => void finished.push(reply.statusCode));
    });
    const ok: ReadResponse = await request(`${url}/api/ably-token`, { headers: bearer('alice') });
    await expectToken(ok, KEY);
    expect(ok.headers.get('x-frame-options')).toBe('DENY');
    const denied = await request(`${url}/api/ably-token`);
    expectAblyError(denied, 401, 40100);
    expect(denied.headers.get('x-frame-options')).toBe('DENY');
    expect(sent).toEqual([
      { url: '/api/ably-token', status: 200, cacheControl: 'no-store', payload: ok.body },
      { url: '/api/ably-token', status: 401, cacheControl: 'no-store', payload: denied.body },
    ]);
    expect(finished).toEqual([200, 401]);
  });

  it('decorates the instance with ablyChatAuth: the core route and issueForUser(user, request)', async () => {
    const app = Fastify();
    await app.register(ablyChatAuth<TestUser>, { apiKey: KEY.apiKey, policy, logger: false });
    app.get('/chat-token', async (req) => ({ token: (await app.ablyChatAuth.issueForUser({ id: 'carol' }, req))?.token ?? null }));
    app.get('/banned-token', async (req) => ({ token: (await app.ablyChatAuth.issueForUser({ id: 'eve', banned: true }, req))?.token ?? null }));
    running = await listen(app);
    expect(app.hasDecorator('ablyChatAuth')).toBe(true);
    expect(app.ablyChatAuth.route.options.ttlSeconds).toBeGreaterThan(0);
    const { token } = JSON.parse((await request(`${running.baseUrl}/chat-token`)).body) as { token: string };
    const claims = await expectToken(
      {
        status: 200,
        headers: new Headers({ 'content-type': 'application/jwt', 'cache-control': 'no-store', pragma: 'no-cache', 'x-content-type-options': 'nosniff' }),
        body: token,
      },
      KEY,
    );
    expect(claims['x-ably-clientId']).toBe('carol');
    expect(JSON.parse((await request(`${running.baseUrl}/banned-token`)).body)).toEqual({ token: null });
  });

  it('is a fastify-plugin named @ably-chat-auth/fastify, so other plugins can depend on it', async () => {
    const dependent = fp((_instance, _options, done) => done(), { name: 'needs-ably', dependencies: ['@ably-chat-auth/fastify'] });
    const withIt = Fastify();
    await withIt.register(ablyChatAuth<TestUser>, { apiKey: KEY.apiKey, policy, logger: false });
    await withIt.register(dependent);
    await expect(withIt.ready()).resolves.toBeDefined();
    await withIt.close();
    const without = Fastify();
    void without.register(dependent);
    await expect(without.ready()).rejects.toThrow(/@ably-chat-auth\/fastify/);
    expect(ablyChatAuthDefault).toBe(ablyChatAuth);
  });

  describe('every option is checked at registration, so app.ready() fails', () => {
    async function readyError(options: unknown): Promise<unknown> {
      const app = Fastify();
      void app.register(ablyChatAuth, options as FastifyTokenPluginOptions);
      const error = await app.ready().then(
        () => undefined,
        (e: unknown) => e,
      );
      await app.close().catch(() => undefined);
      return error;
    }

    it('a malformed API key: ERR_INVALID_API_KEY, without the secret', async () => {
      const error = await readyError({ apiKey: 'no-colon-SECRET-VALUE', policy });
      expect(isAblyChatAuthError(error) && error.code).toBe('ERR_INVALID_API_KEY');
      expect(String((error as Error).message)).not.toContain('SECRET-VALUE');
    });

    it('an unknown option: ERR_UNKNOWN_OPTION with a did-you-mean, naming the plugin', async () => {
      const error = await readyError({ apiKey: KEY.apiKey, policy, pth: '/x' });
      expect(isAblyChatAuthError(error) && error.code).toBe('ERR_UNKNOWN_OPTION');
      expect((error as Error).message).toMatch(/^ablyChatAuth: .*Did you mean 'path'\?/);
      expect((error as Error).message).not.toContain(KEY.secret);
    });

    it('a bad path: ERR_INVALID_OPTIONS naming the plugin', async () => {
      for (const path of ['api/ably-token', '/api/ably-token?x=1', 42]) {
        const error = await readyError({ apiKey: KEY.apiKey, policy, path });
        expect(isAblyChatAuthError(error) && error.code).toBe('ERR_INVALID_OPTIONS');
        expect((error as Error).message).toMatch(/^ablyChatAuth: path must be a URL path/);
      }
    });

    it('a missing policy', async () => {
      const error = await readyError({ apiKey: KEY.apiKey });
      expect(isAblyChatAuthError(error) && error.code).toMatch(/^ERR_INVALID_/);
      expect((error as Error).message).toMatch(/policy/);
    });
  });
});
