import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as Ably from 'ably';
import { writeTokenRouteResponse } from '../src/adapter';
import { AblyApiKey, createTokenIssuer, createTokenRoute, signTokenRequest, compileGrants } from '../src/index';
import { TEST_KEY, TEST_KEY_NAME, TEST_SECRET } from './helpers';

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => resolve(data));
  });

describe('TokenRequest', () => {
  it('has the MAC that ably-js createTokenRequest computes for the same fields', async () => {
    const rest = new Ably.Rest({ key: TEST_KEY, logLevel: 0 });
    const compiled = compileGrants({ lobby: 'all', 'dms:alice:*': ['send', 'receive'] })!;
    for (const [clientId, ttl] of [
      ['alice', 3_600_000],
      ['bob', 60_000],
    ] as const) {
      const timestamp = Date.now();
      const nonce = `nonce-${clientId}-0123456789abcdef`;
      const theirs = await rest.auth.createTokenRequest({ clientId, capability: compiled.json, ttl, timestamp, nonce }, { key: TEST_KEY, queryTime: false });
      const ours = await signTokenRequest(AblyApiKey.parse(TEST_KEY), { clientId, capability: compiled.json, ttl, timestamp, nonce });
      expect(ours).toEqual({
        keyName: theirs.keyName,
        ttl: theirs.ttl,
        capability: theirs.capability,
        clientId: theirs.clientId,
        timestamp: theirs.timestamp,
        nonce: theirs.nonce,
        mac: theirs.mac,
      });
    }
  });

  it('is built by the issuer with its rules and a fresh nonce each time', async () => {
    const issuer = createTokenIssuer({ apiKey: TEST_KEY, ttl: '15m' });
    const a = await issuer.createTokenRequest({ clientId: 'alice', grants: { lobby: 'all' } });
    const b = await issuer.createTokenRequest({ clientId: 'alice', grants: { lobby: 'all' } });
    expect(a.ttl).toBe(900_000);
    expect(a.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(a.nonce).not.toBe(b.nonce);
    expect(Math.abs(a.timestamp - Date.now())).toBeLessThan(5000);
    await expect(issuer.createTokenRequest({ clientId: '*', grants: { lobby: 'all' } })).rejects.toMatchObject({ code: 'ERR_WILDCARD_CLIENT_ID' });
  });

  it('refuses JWT-only options with the token-request format', () => {
    expect(() =>
      createTokenRoute({ apiKey: TEST_KEY, resolveUser: () => ({ id: 'a' }), policy: { lobby: 'all' }, responseFormat: 'token-request', claims: () => ({}) }),
    ).toThrow(/exist only in JWTs/);
  });

  describe('served by the route to the real ably client', () => {
    let fakeAbly: Server;
    let route: Server;
    // The signed token request ably-js posts to Ably's requestToken endpoint.
    type SignedTokenRequest = { keyName: string; ttl: number; capability: string; clientId: string; timestamp: number; nonce: string; mac: string };
    let received: { path?: string; body?: Record<string, unknown> } = {};
    let ablyPort = 0;
    let authUrl = '';

    beforeAll(async () => {
      // Stands in for Ably's REST endpoint: checks the MAC the way Ably does and answers TokenDetails.
      fakeAbly = createServer(
        (req, res) =>
          void (async () => {
            const body = JSON.parse(await readBody(req)) as SignedTokenRequest;
            received = { path: req.url, body };
            const text = `${body.keyName}\n${body.ttl}\n${body.capability}\n${body.clientId}\n${body.timestamp}\n${body.nonce}\n`;
            const ok = createHmac('sha256', TEST_SECRET).update(text).digest('base64') === body.mac;
            res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify(
                ok
                  ? {
                      token: 'token-from-ably',
                      issued: body.timestamp,
                      expires: body.timestamp + body.ttl,
                      capability: body.capability,
                      clientId: body.clientId,
                      keyName: body.keyName,
                    }
                  : { error: { message: 'bad mac', code: 40101, statusCode: 401 } },
              ),
            );
          })(),
      );
      ablyPort = await listen(fakeAbly);
      const tokenRoute = createTokenRoute<{ id: string }, IncomingMessage>({
        apiKey: TEST_KEY,
        responseFormat: 'token-request',
        logger: false,
        resolveUser: (req) => (req.headers.cookie === 'session=alice' ? { id: 'alice' } : null),
        policy: { lobby: 'all' },
      });
      route = createServer(
        (req, res) => void tokenRoute.handle({ method: req.method ?? 'GET', native: req }).then((answer) => writeTokenRouteResponse(res, answer)),
      );
      authUrl = `http://127.0.0.1:${await listen(route)}/api/ably-token`;
    });

    afterAll(async () => {
      await close(fakeAbly);
      await close(route);
    });

    it.each(['GET', 'POST'] as const)('the client exchanges it with Ably (%s)', async (authMethod) => {
      const rest = new Ably.Rest({
        authUrl,
        authMethod,
        authHeaders: { cookie: 'session=alice' },
        restHost: '127.0.0.1',
        port: ablyPort,
        tls: false,
        fallbackHosts: [],
        logLevel: 0,
      });
      const details = await rest.auth.requestToken({ clientId: 'mallory', capability: { '*': ['*'] } });
      expect(details.token).toBe('token-from-ably');
      expect(received.path).toBe(`/keys/${TEST_KEY_NAME}/requestToken`);
      expect(received.body).toMatchObject({ keyName: TEST_KEY_NAME, clientId: 'alice', ttl: 3_600_000, capability: compileGrants({ lobby: 'all' })!.json });
    });
  });
});
