import { createServer, type IncomingMessage } from 'node:http';
import { createAdapterTokenRoute, handleNodeRequest, resolveTokenPath, DEFAULT_TOKEN_PATH } from '../src/adapter';
import { createTokenIssuer, createTokenRoute, isAblyChatAuthError, type TokenRouteOptions } from '../src/index';
import { TEST_KEY, verifyWithJose } from './helpers';

interface User {
  id: string;
  banned?: boolean;
}
interface Req {
  user?: User | null;
}

function caught(fn: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

const base: TokenRouteOptions<User, Req> = { apiKey: TEST_KEY, resolveUser: (req) => req.user, policy: { lobby: 'all' }, logger: false };

describe('unknown option names are refused at creation, with a did-you-mean', () => {
  it.each([
    ['tll', 'ttl'],
    ['polciy', 'policy'],
    ['resolveuser', 'resolveUser'],
    ['allowedOrigin', 'allowedOrigins'],
    ['clockskew', 'clockSkew'],
  ])('createTokenRoute: %s -> %s', (typo, suggestion) => {
    const error = caught(() => createTokenRoute({ ...base, [typo]: 1 } as never));
    expect(isAblyChatAuthError(error, 'ERR_UNKNOWN_OPTION')).toBe(true);
    expect(error.message).toContain(`Did you mean '${suggestion}'?`);
    expect(error.message).toContain('createTokenRoute');
  });

  it('names every known option when nothing is close', () => {
    const error = caught(() => createTokenRoute({ ...base, frobnicate: true } as never));
    expect(error.message).toMatch(/unknown option "frobnicate"\. Known options: apiKey, ttl, .*allowedOrigins, telemetry\./);
    expect(error.message).not.toContain('Did you mean');
  });

  it('createTokenIssuer refuses route-only and misspelt names', () => {
    expect(caught(() => createTokenIssuer({ apiKey: TEST_KEY, tl: 60 } as never)).message).toContain("Did you mean 'ttl'?");
    expect(caught(() => createTokenIssuer({ apiKey: TEST_KEY, policy: {} } as never)).code).toBe('ERR_UNKNOWN_OPTION');
  });

  it('hook names are checked too', () => {
    const error = caught(() => createTokenRoute({ ...base, hooks: { onTokenIssue: () => {} } } as never));
    expect(error.message).toContain("Did you mean 'onTokenIssued'?");
  });

  it('never echoes a secret pasted into an unknown name', () => {
    const secret = TEST_KEY.split(':')[1]!;
    const error = caught(() => createTokenRoute({ ...base, [TEST_KEY]: true } as never));
    expect(error.code).toBe('ERR_UNKNOWN_OPTION');
    expect(error.message).not.toContain(secret);
  });

  it('an adapter names itself and may read options of its own that core never sees', () => {
    const setup = { factoryName: 'createThing', defaultResolveUser: (req: Req) => req.user, adapterOptionNames: ['path'] };
    expect(caught(() => createAdapterTokenRoute({ ...base, pth: '/x' } as never, setup)).message).toMatch(
      /^createThing: unknown option "pth"\. Did you mean 'path'\?/,
    );
    const route = createAdapterTokenRoute({ apiKey: TEST_KEY, policy: { lobby: 'all' }, logger: false, path: '/x' } as never, setup);
    expect(route.options.responseFormat).toBe('jwt');
  });
});

describe('route.respond: answering for a user the app already resolved', () => {
  const route = createTokenRoute<User, Req>({ ...base, resolveUser: () => ({ id: 'never-used' }), policy: (user) => (user.banned ? null : { lobby: 'all' }) });

  it('goes through the same path as handle: 401, 403, cross-site, 200 with the token', async () => {
    expect((await route.respond(null, { method: 'GET', native: {} })).status).toBe(401);
    expect((await route.respond('', { method: 'POST', native: {} })).status).toBe(401);
    expect((await route.respond({ id: 'bob', banned: true }, { method: 'GET', native: {} })).status).toBe(403);
    expect((await route.respond({ id: 'bob' }, { method: 'GET', headers: { 'sec-fetch-site': 'cross-site' }, native: {} })).status).toBe(403);
    const ok = await route.respond({ id: 'bob' }, { method: 'PUT', native: {} });
    expect(ok.status).toBe(200);
    expect((await verifyWithJose(ok.body)).payload['x-ably-clientId']).toBe('bob');
  });

  it('takes a per-call policy (function or grants, the latter compiled once and checked)', async () => {
    const fn = await route.respond({ id: 'carol' }, { method: 'GET', native: {} }, { policy: () => ({ 'support:*': ['send'] }) });
    expect(JSON.parse((await verifyWithJose(fn.body)).payload['x-ably-capability'] as string)).toEqual({ 'support:*': ['publish'] });
    const grants = await route.respond({ id: 'carol' }, { method: 'GET', native: {} }, { policy: { announcements: ['receive'] } });
    expect(JSON.parse((await verifyWithJose(grants.body)).payload['x-ably-capability'] as string)).toEqual({ announcements: ['subscribe'] });
    const bad = await route.respond({ id: 'carol' }, { method: 'GET', native: {} }, { policy: { 'foo*': 'all' } });
    expect(bad.status).toBe(500);
  });

  it('answers OPTIONS 405: that method is the CORS preflight', async () => {
    expect((await route.respond({ id: 'bob' }, { method: 'OPTIONS', native: {} })).status).toBe(405);
  });

  it('issueForUser takes the same per-call policy', async () => {
    const issued = await route.issueForUser({ id: 'dan' }, {}, { policy: { lobby: ['receive'] } });
    expect(issued?.capabilityJson).toBe('{"lobby":["subscribe"]}');
    expect(await route.issueForUser({ id: 'dan' }, {}, { policy: () => null })).toBeNull();
  });
});

describe('adapter entry', () => {
  it('resolveTokenPath defaults to the one default path and refuses query strings', () => {
    expect(resolveTokenPath(undefined, 'x')).toBe(DEFAULT_TOKEN_PATH);
    expect(DEFAULT_TOKEN_PATH).toBe('/api/ably-token');
    expect(resolveTokenPath('/t', 'x')).toBe('/t');
    expect(caught(() => resolveTokenPath('/t?x=1', 'createX')).message).toContain('createX: path must be a URL path');
    expect(caught(() => resolveTokenPath('t', 'createX')).code).toBe('ERR_INVALID_OPTIONS');
  });

  it('handleNodeRequest answers on a real socket and never rejects, even when writing fails', async () => {
    const route = createTokenRoute<User, IncomingMessage>({ apiKey: TEST_KEY, resolveUser: () => ({ id: 'node' }), policy: { lobby: 'all' }, logger: false });
    const settled: string[] = [];
    const server = createServer((req, res) => {
      if (req.url === '/broken') {
        res.setHeader = () => {
          throw new Error('header refused');
        };
      }
      handleNodeRequest(route, req, res).then(
        () => settled.push('resolved'),
        () => settled.push('rejected'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const ok = await fetch(`http://127.0.0.1:${port}/`);
      expect(ok.status).toBe(200);
      expect((await verifyWithJose(await ok.text())).payload['x-ably-clientId']).toBe('node');
      await fetch(`http://127.0.0.1:${port}/broken`).then(
        (response) => response.text(),
        () => 'socket closed',
      );
      expect(settled).toEqual(['resolved', 'resolved']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
