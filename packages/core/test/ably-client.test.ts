import { ALL_CHAT_OPERATIONS } from '@ably-chat-auth/adapter-contract/testing';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as Ably from 'ably';
import { writeTokenRouteResponse } from '../src/adapter';
import { createTokenRoute } from '../src/index';
import { TEST_KEY, verifyWithJose } from './helpers';

// The real ably-js client consuming the core route through a bare node:http server.
let server: Server;
let authUrl: string;

beforeAll(async () => {
  const route = createTokenRoute<{ id: string }, IncomingMessage>({
    apiKey: TEST_KEY,
    logger: false,
    resolveUser: (req) => {
      const match = /(?:^|;\s*)session=([a-z0-9_-]+)/.exec(req.headers.cookie ?? '');
      return match ? { id: match[1]! } : null;
    },
    policy: (user) => (user.id === 'banned' ? null : { lobby: 'all', [`dms:${user.id}:*`]: ['send', 'receive'] }),
  });
  server = createServer((req, res) => {
    // The route never reads the body; Node discards it after the answer.
    void route.handle({ method: req.method ?? 'GET', headers: req.headers, native: req }).then((answer) => writeTokenRouteResponse(res, answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/ably-token`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(user: string | null, authMethod: 'GET' | 'POST' = 'GET', extra: Partial<Ably.ClientOptions> = {}) {
  return new Ably.Rest({ authUrl, authMethod, authHeaders: user ? { cookie: `session=${user}` } : {}, logLevel: 0, ...extra });
}

describe('the real ably client against the core route', () => {
  it.each(['GET', 'POST'] as const)('obtains a token with authUrl and %s', async (method) => {
    const details = await client('alice', method).auth.requestToken();
    // For a JWT answer ably-js returns { token } and leaves the claims to Ably's servers.
    expect(typeof details.token).toBe('string');
    const { payload } = await verifyWithJose(details.token);
    expect(payload['x-ably-clientId']).toBe('alice');
  });

  it('gives the server-side identity and capability whatever tokenParams the client sends', async () => {
    const details = await client('alice', 'POST').auth.requestToken({ clientId: 'admin', capability: { '*': ['*'] }, ttl: 86_400_000 });
    const { payload } = await verifyWithJose(details.token);
    expect(payload['x-ably-clientId']).toBe('alice');
    expect(JSON.parse(payload['x-ably-capability'] as string)).toEqual({
      'dms:alice:*': ['publish', 'subscribe'],
      lobby: ALL_CHAT_OPERATIONS,
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);
  });

  it('surfaces a 403 as ErrorInfo with statusCode 403 and code 40300', async () => {
    await expect(client('banned').auth.requestToken()).rejects.toMatchObject({ statusCode: 403, code: 40300 });
  });

  it('surfaces a 401 as ErrorInfo with statusCode 401', async () => {
    await expect(client(null).auth.requestToken()).rejects.toMatchObject({ statusCode: 401, code: 40100 });
  });

  it('works through an authCallback that fetches the route as the seed does', async () => {
    const rest = new Ably.Rest({
      logLevel: 0,
      authCallback: (_params, callback) =>
        void (async () => {
          try {
            const response = await fetch(authUrl, { headers: { cookie: 'session=carol' } });
            if (!response.ok) throw new Error('Auth failed');
            callback(null, await response.text());
          } catch (error) {
            callback(error as Ably.ErrorInfo, null);
          }
        })(),
    });
    const details = await rest.auth.requestToken();
    expect((await verifyWithJose(details.token)).payload['x-ably-clientId']).toBe('carol');
  });
});
