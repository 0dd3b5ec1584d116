import { createAuthCallback, type AuthCallback, type AuthToken, type TokenRouteError } from '@ably-chat-auth/client';
import { answer, deadPort, refusal, startRouteServer, type RouteServer } from './route-server';

/** Calls an authCallback the way ably-js does and returns what it handed back. */
function run(callback: AuthCallback): Promise<{ error: TokenRouteError | null; token: AuthToken | null }> {
  return new Promise((resolve) => callback({ clientId: 'mallory', capability: '{"*":["*"]}', ttl: 86_400_000 }, (error, token) => resolve({ error, token })));
}

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJ4LWFibHktY2xpZW50SWQiOiJhbGljZSJ9.c2ln';
const DETAILS = { token: JWT, issued: 1, expires: 2, capability: '{"lobby":["subscribe"]}', clientId: 'alice' };
const TOKEN_REQUEST = { keyName: 'app.key', ttl: 60_000, capability: '{}', clientId: 'alice', timestamp: 1, nonce: 'n'.repeat(16), mac: 'bWFj' };

let server: RouteServer;
beforeAll(async () => {
  server = await startRouteServer({
    '/jwt': answer(200, 'application/jwt', JWT),
    '/text': answer(200, 'text/plain; charset=utf-8', `${JWT}\n`),
    '/details': answer(200, 'application/json; charset=utf-8', JSON.stringify(DETAILS)),
    '/token-request': answer(200, 'application/json', JSON.stringify(TOKEN_REQUEST)),
    '/html': answer(200, 'text/html; charset=utf-8', '<!doctype html><p>login</p>'),
    '/none': answer(200, undefined, JWT),
    '/token-only-wrong': answer(200, 'application/json', '{"jwt":"x"}'),
    '/bad-json': answer(200, 'application/json', '{'),
    '/empty': answer(200, 'application/jwt', ''),
    '/forbidden': refusal(403, 40300, 'This user is not allowed to use chat.'),
    '/unauthenticated': refusal(401, 40100, 'Not signed in.'),
    '/plain-403': answer(403, 'text/html', '<h1>Forbidden</h1>'),
    '/plain-500': answer(500, undefined, ''),
    '/ok': answer(200, 'application/jwt', JWT),
  });
});
afterAll(() => server.close());

describe('a 2xx answer', () => {
  test.each([
    ['/jwt', 'application/jwt'],
    ['/text', 'text/plain (trimmed)'],
  ])('%s (%s) hands the body string to the Ably client', async (path) => {
    await expect(run(createAuthCallback(server.url(path)))).resolves.toEqual({ error: null, token: JWT });
  });

  test('application/json with a TokenDetails hands over the parsed object', async () => {
    await expect(run(createAuthCallback(server.url('/details')))).resolves.toEqual({ error: null, token: DETAILS });
  });

  test('application/json with a TokenRequest hands over the parsed object', async () => {
    await expect(run(createAuthCallback(server.url('/token-request')))).resolves.toEqual({ error: null, token: TOKEN_REQUEST });
  });

  test.each([
    ['/html', "Content-Type 'text/html'"],
    ['/none', "Content-Type '(none)'"],
    ['/token-only-wrong', "Content-Type 'application/json'"],
    ['/bad-json', "Content-Type 'application/json'"],
    ['/empty', "Content-Type 'application/jwt'"],
  ])('%s is no token: a retriable error that names the content type', async (path, named) => {
    const { error, token } = await run(createAuthCallback(server.url(path)));
    expect(token).toBeNull();
    expect(error!.message).toContain(named);
    expect(error!.message).toContain('expected application/jwt, text/plain, or application/json');
    expect(error).toMatchObject({ code: 40170, statusCode: 500 });
  });
});

describe('a refusal', () => {
  test('carries the HTTP status and the Ably-shaped body\u2019s code and message', async () => {
    const { error } = await run(createAuthCallback(server.url('/forbidden')));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ statusCode: 403, code: 40300, message: 'This user is not allowed to use chat.' });
  });

  test('without an Ably body: status x 100 and the status text', async () => {
    await expect(run(createAuthCallback(server.url('/plain-403')))).resolves.toMatchObject({
      token: null,
      error: { statusCode: 403, code: 40300, message: 'The token route answered 403 Forbidden.' },
    });
    await expect(run(createAuthCallback(server.url('/plain-500')))).resolves.toMatchObject({
      error: { statusCode: 500, code: 50000, message: 'The token route answered 500 Internal Server Error.' },
    });
  });

  test('onForbidden and onUnauthenticated are told once per refusal, and a hook that throws changes nothing', async () => {
    const forbidden: TokenRouteError[] = [];
    const unauthenticated: TokenRouteError[] = [];
    const options = {
      onForbidden: (e: TokenRouteError) => {
        forbidden.push(e);
        throw new Error('app bug');
      },
      onUnauthenticated: (e: TokenRouteError) => {
        unauthenticated.push(e);
        return Promise.reject(new Error('async app bug'));
      },
    };
    await expect(run(createAuthCallback(server.url('/forbidden'), options))).resolves.toMatchObject({ error: { statusCode: 403 } });
    await expect(run(createAuthCallback(server.url('/unauthenticated'), options))).resolves.toMatchObject({ error: { statusCode: 401, code: 40100 } });
    await expect(run(createAuthCallback(server.url('/ok'), options))).resolves.toEqual({ error: null, token: JWT });
    expect(forbidden.map((e) => e.statusCode)).toEqual([403]);
    expect(unauthenticated.map((e) => [e.statusCode, e.code, e.message])).toEqual([[401, 40100, 'Not signed in.']]);
  });

  test("unauthenticated: 'stop' turns a 401 into statusCode 403, code and message kept; the hook still sees the 401", async () => {
    const seen: TokenRouteError[] = [];
    const { error } = await run(createAuthCallback(server.url('/unauthenticated'), { unauthenticated: 'stop', onUnauthenticated: (e) => seen.push(e) }));
    expect(error).toMatchObject({ statusCode: 403, code: 40100, message: 'Not signed in.' });
    expect(seen.map((e) => e.statusCode)).toEqual([401]);
  });
});

describe('the request', () => {
  test('never forwards the Ably client\u2019s tokenParams; GET by default, POST when asked; Accept lists the token types', async () => {
    await run(createAuthCallback(server.url('/ok')));
    await run(createAuthCallback(server.url('/ok'), { method: 'POST' }));
    const [get, post] = server.requests('/ok').slice(-2);
    expect(get).toEqual({ method: 'GET', url: '/ok', body: '' });
    expect(post).toEqual({ method: 'POST', url: '/ok', body: '' });
    expect(server.headers('/ok').at(-1)!.accept).toBe('application/jwt, application/json, text/plain');
  });

  test('headers: an object, or a sync or async function called for every request', async () => {
    let n = 0;
    await run(createAuthCallback(server.url('/ok'), { headers: { 'X-CSRF-Token': 'c1' } }));
    const dynamic = createAuthCallback(server.url('/ok'), { headers: () => Promise.resolve({ Authorization: `Bearer t${++n}` }) });
    await run(dynamic);
    await run(dynamic);
    await run(createAuthCallback(server.url('/ok'), { headers: () => ({ Authorization: 'Bearer sync' }) }));
    const seen = server.headers('/ok').slice(-4);
    expect(seen[0]!['x-csrf-token']).toBe('c1');
    expect(seen.slice(1).map((h) => h.authorization)).toEqual(['Bearer t1', 'Bearer t2', 'Bearer sync']);
  });

  test('a headers function that fails is a retriable error naming the option', async () => {
    const { error } = await run(
      createAuthCallback(server.url('/ok'), {
        headers: () => {
          throw new Error('no session');
        },
      }),
    );
    expect(error).toMatchObject({ statusCode: 500, code: 40170, message: 'The headers option failed: no session' });
  });

  test('a custom fetch is used, with credentials include by default or as given', async () => {
    const inits: RequestInit[] = [];
    const spyFetch = (input: string, init: RequestInit) => {
      inits.push(init);
      return fetch(input, init);
    };
    await expect(run(createAuthCallback(server.url('/ok'), { fetch: spyFetch }))).resolves.toEqual({ error: null, token: JWT });
    await run(createAuthCallback(server.url('/ok'), { fetch: spyFetch, credentials: 'same-origin' }));
    expect(inits.map((i) => i.credentials)).toEqual(['include', 'same-origin']);
    expect(inits[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  test('a closed port is a retriable network error, never 403', async () => {
    const url = `http://127.0.0.1:${await deadPort()}/api/ably-token`;
    const { error } = await run(createAuthCallback(url));
    expect(error).toMatchObject({ statusCode: 500, code: 40170 });
    expect(error!.message).toContain(`Could not reach the token route ${url}`);
  });
});
