import { expect } from '@jest/globals';
import { inspect } from 'node:util';
import { createTokenRoute, isAblyChatAuthError, type Logger, type TokenRouteOptions, type TokenRouteResponse } from '../src/index';
import * as kit from '@ably-chat-auth/adapter-contract/testing';
import { readTokenRouteResponse } from '@ably-chat-auth/adapter-contract/testing';
import { TEST_KEY, TEST_KEY_NAME, TEST_SECRET, verifyWithJose } from './helpers';

interface User {
  id: string;
  role?: string;
}
interface Req {
  user?: User | null;
}

function recordingLogger() {
  const lines: Array<{ level: string; message: string; meta?: Record<string, unknown> }> = [];
  const logger: Logger = {
    error: (message, meta) => lines.push({ level: 'error', message, meta }),
    warn: (message, meta) => lines.push({ level: 'warn', message, meta }),
  };
  return { lines, logger };
}

function makeRoute(overrides: Partial<TokenRouteOptions<User, Req>> = {}) {
  const { lines, logger } = recordingLogger();
  const route = createTokenRoute<User, Req>({
    apiKey: TEST_KEY,
    resolveUser: (req) => req.user,
    policy: (user) => (user.role === 'banned' ? null : { lobby: 'all', [`dms:${user.id}:*`]: ['send', 'receive'] }),
    logger,
    ...overrides,
  });
  return { route, lines };
}

const alice: Req = { user: { id: 'alice' } };

/** Core's answer checked with the workspace's one definition of "Ably-shaped" and "no-store". */
function expectAblyError(response: TokenRouteResponse, status: number, code: number): { message: string } {
  return { message: kit.expectAblyError(readTokenRouteResponse(response), status, code) };
}

function expectNoStore(response: TokenRouteResponse): void {
  kit.expectNoStore(readTokenRouteResponse(response));
}

describe('token route: success', () => {
  it('answers GET and POST with the JWT as application/jwt', async () => {
    const { route } = makeRoute();
    for (const method of ['GET', 'POST', 'get']) {
      const response = await route.handle({ method, native: alice });
      expect(response.status).toBe(200);
      expect(response.headers['Content-Type']).toBe('application/jwt');
      expectNoStore(response);
      const { payload, header } = await verifyWithJose(response.body);
      expect(header.kid).toBe(TEST_KEY_NAME);
      expect(payload['x-ably-clientId']).toBe('alice');
      expect(JSON.parse(payload['x-ably-capability'] as string)).toHaveProperty(['dms:alice:*']);
    }
  });

  it('ignores the clientId, capability, ttl and timestamp the client sends', async () => {
    const { route } = makeRoute({ ttl: '10m' });
    const hostile = { clientId: 'admin', capability: '{"*":["*"]}', ttl: '86400000', timestamp: '1' };
    const response = await route.handle({
      method: 'POST',
      headers: { 'x-ably-clientid': 'admin' },
      native: { ...alice, query: hostile, body: hostile } as Req,
    });
    const { payload } = await verifyWithJose(response.body);
    expect(payload['x-ably-clientId']).toBe('alice');
    expect(payload['x-ably-capability']).not.toContain('"*"');
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);
  });

  it('answers TokenDetails JSON when asked, never the bare {token} shape', async () => {
    const { route } = makeRoute({ responseFormat: 'token-details' });
    const response = await route.handle({ method: 'GET', native: alice });
    expect(response.headers['Content-Type']).toBe('application/json; charset=utf-8');
    const details = JSON.parse(response.body) as { token: string; issued: number; expires: number; capability: string; clientId: string };
    expect(Object.keys(details).sort()).toEqual(['capability', 'clientId', 'expires', 'issued', 'token']);
    expect(details.clientId).toBe('alice');
    const { payload } = await verifyWithJose(details.token);
    expect(details.issued).toBe((payload.iat as number) * 1000);
    expect(details.expires).toBe((payload.exp as number) * 1000);
    expect(details.capability).toBe(payload['x-ably-capability']);
  });

  it('maps the user to a clientId: clientId, then id, numbers as strings, or a custom function', async () => {
    const route = createTokenRoute<Record<string, unknown>, Record<string, unknown>>({
      apiKey: TEST_KEY,
      resolveUser: (req) => req,
      policy: { lobby: 'all' },
      logger: false,
    });
    const idOf = async (user: Record<string, unknown>) =>
      (await verifyWithJose((await route.handle({ method: 'GET', native: user })).body)).payload['x-ably-clientId'];
    expect(await idOf({ id: 'u1', clientId: 'c1' })).toBe('c1');
    expect(await idOf({ id: 'u1' })).toBe('u1');
    expect(await idOf({ id: 42 })).toBe('42');
    const custom = createTokenRoute<{ email: string }, unknown>({
      apiKey: TEST_KEY,
      resolveUser: () => ({ email: 'e@x.io' }),
      policy: { lobby: 'all' },
      clientId: (u) => u.email,
    });
    expect((await verifyWithJose((await custom.handle({ method: 'GET', native: {} })).body)).payload['x-ably-clientId']).toBe('e@x.io');
  });

  it('adds per-user revocation keys and claims', async () => {
    const { route } = makeRoute({ revocationKey: (user) => `team-${user.id}`, claims: () => ({ badge: 'gold' }) });
    const { payload } = await verifyWithJose((await route.handle({ method: 'GET', native: alice })).body);
    expect(payload['x-ably-revocation-key']).toBe('team-alice');
    expect(payload.badge).toBe('gold');
  });

  it('accepts a static grants object as the policy', async () => {
    const { route } = makeRoute({ policy: { lobby: ['receive'] } });
    const { payload } = await verifyWithJose((await route.handle({ method: 'GET', native: alice })).body);
    expect(payload['x-ably-capability']).toBe('{"lobby":["subscribe"]}');
  });

  it('issueForUser runs the policy and signs, or gives null', async () => {
    const { route } = makeRoute();
    expect((await route.issueForUser({ id: 'bob' }, {}))?.clientId).toBe('bob');
    expect(await route.issueForUser({ id: 'x', role: 'banned' }, {})).toBeNull();
  });
});

describe('token route: refusals', () => {
  it.each(['PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', ''])('answers %j with 405 and Allow: GET, POST', async (method) => {
    const denied: unknown[] = [];
    const { route } = makeRoute({ hooks: { onDenied: (e) => void denied.push(e.reason) } });
    const response = await route.handle({ method, native: alice });
    expectAblyError(response, 405, 40500);
    expect(response.headers.Allow).toBe('GET, POST');
    expect(denied).toEqual(['method-not-allowed']);
  });

  it.each([null, undefined, false])('answers 401 when the resolver returns %p', async (user) => {
    const denied: unknown[] = [];
    const { route } = makeRoute({ resolveUser: () => user as null, hooks: { onDenied: (e) => void denied.push([e.status, e.reason]) } });
    const error = expectAblyError(await route.handle({ method: 'GET', native: {} }), 401, 40100);
    expect(error.message).toMatch(/sign in/i);
    expect(denied).toEqual([[401, 'unauthenticated']]);
  });

  it.each([null, undefined, false, {}, { lobby: [] }])('answers 403 when the policy returns %p', async (grants) => {
    const denied: unknown[] = [];
    const { route } = makeRoute({ policy: () => Promise.resolve(grants as null), hooks: { onDenied: (e) => void denied.push([e.status, e.clientId]) } });
    expectAblyError(await route.handle({ method: 'GET', native: alice }), 403, 40300);
    expect(denied).toEqual([[403, 'alice']]);
  });
});

describe('token route: faults', () => {
  it('answers 500 without details when the resolver throws, and logs the cause', async () => {
    const errors: unknown[] = [];
    const { route, lines } = makeRoute({
      resolveUser: () => {
        throw new Error('session store unreachable at 10.0.0.5');
      },
      hooks: { onError: (e) => void errors.push([e.status, e.phase]) },
    });
    const response = await route.handle({ method: 'GET', native: alice });
    const error = expectAblyError(response, 500, 50000);
    expect(response.body).not.toMatch(/session store|10\.0\.0\.5|at .*\.ts/);
    expect(error.message).toMatch(/logged the cause/);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        meta: expect.objectContaining({ phase: 'resolveUser', error: expect.objectContaining({ message: 'session store unreachable at 10.0.0.5' }) }),
      }),
    ]);
    expect(errors).toEqual([[500, 'resolveUser']]);
  });

  it.each([
    ['throws', () => Promise.reject(new Error('db down')), undefined],
    ['returns a string', () => 'all', 'ERR_INVALID_GRANTS'],
    ['returns a bad pattern', () => ({ 'lobby*': 'all' }), 'ERR_INVALID_ROOM_PATTERN'],
    ['returns an unknown feature', () => ({ lobby: ['fly'] }), 'ERR_UNKNOWN_FEATURE'],
  ])('answers 500 when the policy %s, logging the coded cause', async (_label, policy, code) => {
    const { route, lines } = makeRoute({ policy: policy as never });
    expectAblyError(await route.handle({ method: 'GET', native: alice }), 500, 50000);
    expect(lines[0]?.meta?.phase).toBe('policy');
    if (code) expect((lines[0]?.meta?.error as { code: string }).code).toBe(code);
  });

  it('answers 500 when the user has no usable id', async () => {
    const { route, lines } = makeRoute({ resolveUser: () => ({ name: 'x' }) as never });
    expectAblyError(await route.handle({ method: 'GET', native: {} }), 500, 50000);
    expect(lines[0]?.meta).toMatchObject({ phase: 'clientId', error: { code: 'ERR_INVALID_CLIENT_ID' } });
  });

  it('answers 500 for a wildcard clientId unless allowed', async () => {
    const { route, lines } = makeRoute({ resolveUser: () => ({ id: '*' }) });
    expectAblyError(await route.handle({ method: 'GET', native: {} }), 500, 50000);
    expect(lines[0]?.meta).toMatchObject({ error: { code: 'ERR_WILDCARD_CLIENT_ID' } });
  });

  it('answers 503 with Retry-After when the resolver or policy hangs past the timeout', async () => {
    const never = () => new Promise<never>(() => {});
    for (const overrides of [{ resolveUser: never }, { policy: never }]) {
      const { route, lines } = makeRoute({ ...overrides, timeout: 1 });
      const started = Date.now();
      const response = await route.handle({ method: 'GET', native: alice });
      expectAblyError(response, 503, 50003);
      expect(response.headers['Retry-After']).toBe('5');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(lines[0]?.message).toMatch(/timed out/);
    }
  });

  it('answers 503 while the key provider fails or hangs, and recovers when it does', async () => {
    let mode: 'fail' | 'hang' | 'ok' = 'fail';
    const { route } = makeRoute({
      apiKey: () => (mode === 'fail' ? Promise.reject(new Error('vault sealed')) : mode === 'hang' ? new Promise<string>(() => {}) : Promise.resolve(TEST_KEY)),
      timeout: 1,
    });
    expectAblyError(await route.handle({ method: 'GET', native: alice }), 503, 50300);
    mode = 'hang';
    expectAblyError(await route.handle({ method: 'GET', native: alice }), 503, 50003);
    mode = 'ok';
    expect((await route.handle({ method: 'GET', native: alice })).status).toBe(200);
  });

  it('answers 503 when the key provider returns a malformed key, without echoing it', async () => {
    const { route, lines } = makeRoute({ apiKey: () => 'garbage-value-zq9X' });
    const response = await route.handle({ method: 'GET', native: alice });
    expectAblyError(response, 503, 50300);
    expect(JSON.stringify(lines)).not.toContain('zq9X');
    expect(response.body).not.toContain('zq9X');
  });

  it('answers 500, and logs that the key is missing, when the key provider returns nothing (an unset environment variable)', async () => {
    for (const missing of [undefined, '']) {
      const { route, lines } = makeRoute({ apiKey: () => missing as unknown as string });
      const response = await route.handle({ method: 'GET', native: alice });
      expectAblyError(response, 500, 50000);
      expect(response.headers['Retry-After']).toBeUndefined();
      expect(response.body).not.toMatch(/eyJ/);
      expect(lines[0]?.meta).toMatchObject({ phase: 'apiKey', status: 500, error: { code: 'ERR_INVALID_API_KEY' } });
      if (missing === undefined) expect(JSON.stringify(lines[0]?.meta)).toContain('is the environment variable set?');
    }
  });

  it('still answers when hooks or the logger throw', async () => {
    const throwing: Logger = {
      error: () => {
        throw new Error('logger down');
      },
      warn: () => {
        throw new Error('logger down');
      },
    };
    const route = createTokenRoute<User, Req>({
      apiKey: TEST_KEY,
      resolveUser: (req) => req.user,
      policy: { lobby: 'all' },
      logger: throwing,
      hooks: {
        onTokenIssued: () => {
          throw new Error('metrics down');
        },
        onDenied: () => Promise.reject(new Error('audit down')),
      },
    });
    expect((await route.handle({ method: 'GET', native: alice })).status).toBe(200);
    expect((await route.handle({ method: 'GET', native: {} })).status).toBe(401);
    await new Promise((r) => setImmediate(r));
  });

  it('reports issued tokens to the hook without the token itself', async () => {
    const events: Array<Record<string, unknown>> = [];
    const { route } = makeRoute({ hooks: { onTokenIssued: (e) => void events.push(e) } });
    const response = await route.handle({ method: 'GET', native: alice });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ clientId: 'alice', rooms: ['dms:alice:*', 'lobby'], keyName: TEST_KEY_NAME });
    expect(JSON.stringify(events[0])).not.toContain(response.body);
  });
});

describe('token route: options are checked at creation', () => {
  it.each([
    ['no resolver', { resolveUser: undefined }, /resolveUser must be a function/],
    ['a numeric policy', { policy: 3 }, /policy must be a grants object or a function/],
    ['an empty static policy', { policy: {} }, /static policy grants nothing/],
    ['a bad static pattern', { policy: { 'a*': 'all' } }, /Did you mean "a:\*"/],
    ['a bad format', { responseFormat: 'xml' }, /responseFormat must be 'jwt', 'token-details' or 'token-request'/],
    ['a bad timeout', { timeout: '10m' }, /timeout must be between/],
    ['a non-function clientId', { clientId: 'alice' }, /clientId must be a function/],
    ['a bad key', { apiKey: 'appTest.keyTest' }, /appId\.keyId:secret/],
  ])('rejects %s', (_label, overrides, message) => {
    let caught: unknown;
    try {
      makeRoute(overrides as never);
    } catch (error) {
      caught = error;
    }
    expect(isAblyChatAuthError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(message);
  });
});

describe('secrets', () => {
  it('never appear in answers, logs, hooks, inspect or JSON of our objects', async () => {
    const seen: string[] = [];
    const { route, lines } = makeRoute({
      hooks: { onTokenIssued: (e) => void seen.push(inspect(e, { depth: 5 })), onError: (e) => void seen.push(inspect(e, { depth: 5 })) },
    });
    const answers = await Promise.all([
      route.handle({ method: 'GET', native: alice }),
      route.handle({ method: 'PUT', native: alice }),
      route.handle({ method: 'GET', native: {} }),
      route.handle({ method: 'GET', native: { user: { id: 'x', role: 'banned' } } }),
      route.handle({ method: 'GET', native: { user: { id: '*' } } }),
    ]);
    const everything = [
      JSON.stringify(answers),
      JSON.stringify(lines),
      inspect(lines, { depth: 10 }),
      ...seen,
      inspect(route, { depth: 10, showHidden: true }),
      JSON.stringify(route),
      inspect(route.issuer, { depth: 10 }),
    ].join('\n');
    expect(everything).not.toContain(TEST_SECRET);
  });
});
