import { expect } from '@jest/globals';
import { createFetchTokenRoute } from '../src/fetch';
import { TEST_KEY, verifyWithJose } from './helpers';

describe('createFetchTokenRoute', () => {
  const handler = createFetchTokenRoute<{ id: string }>({
    apiKey: TEST_KEY,
    logger: false,
    resolveUser: (request) => {
      const user = /session=([a-z]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
      return user ? { id: user } : null;
    },
    policy: (user) => (user.id === 'banned' ? null : { lobby: 'all' }),
  });

  it('answers a Fetch Request with a Fetch Response carrying the JWT', async () => {
    const response = await handler(new Request('http://app.test/api/ably-token?clientId=admin', { headers: { cookie: 'session=alice' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jwt');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await verifyWithJose(await response.text())).payload['x-ably-clientId']).toBe('alice');
  });

  it('gives Ably-shaped refusals', async () => {
    const forbidden = await handler(
      new Request('http://app.test/t', {
        method: 'POST',
        body: 'clientId=alice',
        headers: { cookie: 'session=banned', 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('x-ably-errorcode')).toBe('40300');
    expect(await forbidden.json()).toEqual({ error: { message: expect.any(String), code: 40300, statusCode: 403 } });
    const unauthorized = await handler(new Request('http://app.test/t'));
    expect(unauthorized.status).toBe(401);
    const wrongMethod = await handler(new Request('http://app.test/t', { method: 'DELETE' }));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });

  it('takes a Request as it is, never reading a `request` property of it (Next.js edge: a getter that throws)', async () => {
    // Next.js's edge runtime hands route handlers a NextRequest subclass whose `request` throws (PageSignatureError).
    class EdgeRequest extends Request {
      get request(): never {
        throw new Error('PageSignatureError: request is not available here');
      }
    }
    const response = await handler(new EdgeRequest('http://app.test/api/ably-token', { headers: { cookie: 'session=alice' } }));
    expect(response.status).toBe(200);
    expect((await verifyWithJose(await response.text())).payload['x-ably-clientId']).toBe('alice');
  });
});

describe('createFetchTokenRoute called with a framework context holding the Request', () => {
  // The shape SvelteKit's RequestEvent, Astro's APIContext and React Router's loader arguments share.
  interface Context {
    request: Request;
    locals: { user?: { id: string; banned?: boolean } };
  }
  const seen: unknown[] = [];
  const handler = createFetchTokenRoute({
    apiKey: TEST_KEY,
    logger: false,
    resolveUser: (context: Context) => context.locals.user,
    policy: (user, context) => {
      seen.push(context);
      return user.banned ? null : { lobby: 'all' };
    },
  });
  const request = (init?: RequestInit) => new Request('http://app.test/api/ably-token', init);

  it('hands the context to resolveUser and the policy, and answers from its Request', async () => {
    seen.length = 0;
    const context: Context = { request: request(), locals: { user: { id: 'alice' } } };
    const response = await handler(context);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await verifyWithJose(await response.text())).payload['x-ably-clientId']).toBe('alice');
    expect(seen).toEqual([context]);
  });

  it('reads the method and headers from the context\u2019s Request: 401, 403, 403 cross-site, 405', async () => {
    expect((await handler({ request: request(), locals: {} })).status).toBe(401);
    expect((await handler({ request: request(), locals: { user: { id: 'b', banned: true } } })).status).toBe(403);
    const crossSite = request({ headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect((await handler({ request: crossSite, locals: { user: { id: 'alice' } } })).status).toBe(403);
    const put = await handler({ request: request({ method: 'PUT' }), locals: { user: { id: 'alice' } } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });

  it('accepts a Request from another realm (duck-typed, not instanceof)', async () => {
    const foreign = { method: 'GET', headers: new Headers(), url: 'http://app.test/api/ably-token' } as unknown as Request;
    expect((await handler({ request: foreign, locals: { user: { id: 'alice' } } })).status).toBe(200);
  });

  it('refuses to be called with something that holds no Request, saying what to pass', async () => {
    const misuse = handler as unknown as (input: unknown) => Promise<Response>;
    await expect(misuse({ req: request() })).rejects.toThrow(/neither a Fetch Request nor a context holding one as `request`/);
    await expect(misuse(undefined)).rejects.toThrow(TypeError);
  });
});
