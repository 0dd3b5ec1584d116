import { expect } from '@jest/globals';
import { createTokenRoute, definePolicy, isAblyChatAuthError, isCrossSiteRequest, room, type Logger, type TokenRouteOptions } from '../src/index';
import { TEST_KEY } from './helpers';

interface User {
  id: string;
  banned?: boolean;
}
interface Req {
  user?: User | null | '';
}

function makeRoute(overrides: Partial<TokenRouteOptions<User, Req>> = {}) {
  const lines: Array<{ level: string; message: string }> = [];
  const logger: Logger = { error: (message) => lines.push({ level: 'error', message }), warn: (message) => lines.push({ level: 'warn', message }) };
  const denied: string[] = [];
  const route = createTokenRoute<User, Req>({
    apiKey: TEST_KEY,
    resolveUser: (req) => req.user,
    policy: { lobby: 'all' },
    logger,
    hooks: { onDenied: (e) => void denied.push(e.reason) },
    ...overrides,
  });
  return { route, lines, denied };
}

const alice: Req = { user: { id: 'alice' } };
const APP = 'https://app.example.test';

describe('isCrossSiteRequest', () => {
  it.each([
    [{ 'sec-fetch-site': 'cross-site' }, true],
    [{ 'sec-fetch-site': 'cross-site', origin: 'https://a.test', host: 'a.test' }, true],
    [{ 'sec-fetch-site': 'same-origin', origin: 'https://other.test', host: 'a.test' }, false],
    [{ 'sec-fetch-site': 'same-site' }, false],
    [{ 'sec-fetch-site': 'none' }, false],
    [{}, false],
    [{ host: 'a.test' }, false],
    [{ origin: 'https://a.test', host: 'a.test' }, false],
    [{ origin: 'https://A.test:8443', host: 'a.test:8443' }, false],
    [{ origin: 'https://evil.test', host: 'a.test' }, true],
    [{ origin: 'null', host: 'a.test' }, true],
    [{ origin: 'not a url', host: 'a.test' }, true],
  ] as const)('%j -> %s', (headers, expected) => {
    expect(isCrossSiteRequest(headers)).toBe(expected);
    expect(isCrossSiteRequest(new Headers(headers as Record<string, string>))).toBe(expected);
  });
});

describe('token route: cross-site requests', () => {
  it('refuses Sec-Fetch-Site: cross-site by default with a 403 that names allowedOrigins, before resolving the user', async () => {
    let resolved = 0;
    const { route, denied } = makeRoute({ resolveUser: () => (resolved++, { id: 'alice' }) });
    const answer = await route.handle({ method: 'GET', headers: { 'sec-fetch-site': 'cross-site', origin: APP }, native: alice });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 40300, statusCode: 403, message: expect.stringContaining('allowedOrigins') } });
    expect(answer.headers['Access-Control-Allow-Origin']).toBeUndefined();
    expect(answer.headers['Cache-Control']).toBe('no-store');
    expect(resolved).toBe(0);
    expect(denied).toEqual(['cross-site']);
  });

  it('reads the header from a Fetch Headers object, case-insensitively', async () => {
    const { route } = makeRoute();
    const answer = await route.handle({ method: 'POST', headers: new Headers({ 'Sec-Fetch-Site': 'Cross-Site' }), native: alice });
    expect(answer.status).toBe(403);
  });

  it.each(['same-origin', 'same-site', 'none', undefined])('serves Sec-Fetch-Site %s', async (site) => {
    const { route } = makeRoute();
    const answer = await route.handle({ method: 'GET', headers: site ? { 'sec-fetch-site': site } : {}, native: alice });
    expect(answer.status).toBe(200);
    expect(answer.headers.Vary).toBeUndefined();
  });

  it('lets a listed origin in with CORS headers, and only that exact origin', async () => {
    const { route } = makeRoute({ allowedOrigins: [APP] });
    const ok = await route.handle({ method: 'GET', headers: { 'sec-fetch-site': 'cross-site', origin: APP }, native: alice });
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({ 'Access-Control-Allow-Origin': APP, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' });
    for (const origin of [`${APP}:443`, 'http://app.example.test', `${APP}.evil.test`, 'https://evil.test']) {
      const refused = await route.handle({ method: 'GET', headers: { 'sec-fetch-site': 'cross-site', origin }, native: alice });
      expect(refused.status).toBe(403);
      expect(refused.headers['Access-Control-Allow-Origin']).toBeUndefined();
      expect(refused.headers.Vary).toBe('Origin');
    }
  });

  it('accepts a predicate, and a throwing predicate is a logged 500 without CORS headers', async () => {
    const { route } = makeRoute({ allowedOrigins: (origin) => origin.endsWith('.example.test') });
    expect((await route.handle({ method: 'GET', headers: { 'sec-fetch-site': 'cross-site', origin: APP }, native: alice })).status).toBe(200);
    expect((await route.handle({ method: 'GET', headers: { 'sec-fetch-site': 'cross-site', origin: 'https://x.evil' }, native: alice })).status).toBe(403);
    const broken = makeRoute({
      allowedOrigins: () => {
        throw new Error('origin list unavailable');
      },
    });
    const answer = await broken.route.handle({ method: 'GET', headers: { origin: APP }, native: alice });
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain('origin list unavailable');
    expect(answer.headers['Access-Control-Allow-Origin']).toBeUndefined();
    expect(broken.lines).toEqual([expect.objectContaining({ level: 'error', message: expect.stringContaining('origin') })]);
  });

  it('answers the preflight of an allowed origin with 204, echoing well-formed requested headers only', async () => {
    const { route } = makeRoute({ allowedOrigins: [APP] });
    const answer = await route.handle({
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'Authorization, X-CSRF-Token' },
      native: alice,
    });
    expect(answer).toEqual({
      status: 204,
      body: '',
      headers: expect.objectContaining({
        'Access-Control-Allow-Origin': APP,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'Authorization, X-CSRF-Token',
        'Cache-Control': 'no-store',
      }),
    });
    const odd = await route.handle({
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x\r\nSet-Cookie: a=b' },
      native: alice,
    });
    expect(odd.status).toBe(204);
    expect(odd.headers['Access-Control-Allow-Headers']).toBeUndefined();
  });

  it('answers other OPTIONS requests 405 without CORS headers', async () => {
    const { route } = makeRoute({ allowedOrigins: [APP] });
    const stranger = await route.handle({ method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'GET' }, native: alice });
    expect(stranger.status).toBe(405);
    expect(stranger.headers['Access-Control-Allow-Origin']).toBeUndefined();
    const plain = await route.handle({ method: 'OPTIONS', headers: { origin: APP }, native: alice });
    expect(plain.status).toBe(405);
    expect(plain.headers['Access-Control-Allow-Origin']).toBe(APP);
  });

  it.each([
    ['*', "'*' would let every website"],
    [['*'], "'*' would let every website"],
    ['https://app.example.test', 'did you mean ["https://app.example.test"]'],
    [['https://app.example.test/'], "did you mean 'https://app.example.test'"],
    [['https://app.example.test/chat'], "did you mean 'https://app.example.test'"],
    [['app.example.test'], 'is not an origin'],
    [[42], 'must be a string'],
    [{ origin: APP }, 'must be an array of origins or a function'],
  ])('refuses allowedOrigins %j at startup', (allowedOrigins, message) => {
    let caught: unknown;
    try {
      makeRoute({ allowedOrigins: allowedOrigins as never });
    } catch (error) {
      caught = error;
    }
    expect(isAblyChatAuthError(caught, 'ERR_INVALID_OPTIONS')).toBe(true);
    expect((caught as Error).message).toContain(message);
  });
});

describe('token route: resolveUser returning an empty string', () => {
  it('is "not signed in" (401), not a fault', async () => {
    const { route, lines } = makeRoute();
    const answer = await route.handle({ method: 'GET', native: { user: '' } });
    expect(answer.status).toBe(401);
    expect(lines).toEqual([]);
  });
});

describe('definePolicy', () => {
  interface AppUser {
    id: string;
    banned: boolean;
  }
  it('keeps feature literals typed without as const, and returns the policy itself', async () => {
    const policy = definePolicy((user: AppUser) => (user.banned ? null : { lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'history'] }));
    const route = createTokenRoute<AppUser, { user: AppUser }>({ apiKey: TEST_KEY, resolveUser: (req) => req.user, policy, logger: false });
    const answer = await route.handle({ method: 'GET', native: { user: { id: 'bob', banned: false } } });
    expect(answer.status).toBe(200);
    expect(await policy({ id: 'x', banned: true }, undefined)).toBeNull();
    // @ts-expect-error an unknown feature is a type error inside definePolicy
    definePolicy((_user: AppUser) => ({ lobby: 'sendd' }));
  });
});
