import { expect } from '@jest/globals';
import { createServer } from 'node:net';
import * as Ably from 'ably';
import { jwtVerify, type JWTPayload, type JWTHeaderParameters } from 'jose';
import { capabilityOf, expectAblyError as expectAblyErrorShape, userClaimsOf } from './testing.js';
import {
  CONTRACT_ALLOWED_ORIGIN,
  CONTRACT_TTL_SECONDS,
  CONTRACT_USERS,
  createContractFixture,
  expectedCapability,
  expectedUserClaims,
  sessionCookie,
  type ContractFixture,
  type StartAdapter,
  type StartedAdapter,
} from './fixture.js';

/** An answer as the contract saw it. */
export interface ContractAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/** Options of {@link describeAdapterContract}. */
export interface AdapterContractOptions {
  /** Timeout of the load cases (1000 sequential + 200 concurrent requests), in ms. Default 60 000. */
  loadTimeoutMs?: number;
}

/** A token's verified header and claims. */
interface VerifiedToken {
  header: JWTHeaderParameters;
  payload: JWTPayload & { 'x-ably-capability'?: unknown; 'x-ably-clientId'?: unknown };
}

/**
 * What a browser concludes from an answer to a credentialed cross-origin request (the CORS check
 * of the Fetch standard): it lets the page read the answer only when `Access-Control-Allow-Origin`
 * is exactly the page's origin and `Access-Control-Allow-Credentials` is `true`.
 */
function browserLetsPageRead(answer: ContractAnswer, origin: string): boolean {
  return answer.headers.get('access-control-allow-origin') === origin && answer.headers.get('access-control-allow-credentials') === 'true';
}

/**
 * The browser's CORS-preflight check: a 2xx answer that passes the CORS check, lists the method
 * (GET and POST need no listing only when the answer allows the origin) and every requested header.
 */
function browserAcceptsPreflight(answer: ContractAnswer, origin: string, method: string, requestHeaders: readonly string[]): boolean {
  if (answer.status < 200 || answer.status > 299 || !browserLetsPageRead(answer, origin)) return false;
  const list = (name: string) =>
    (answer.headers.get(name) ?? '')
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean);
  const methods = list('access-control-allow-methods');
  const headers = list('access-control-allow-headers');
  const methodOk = methods.includes(method.toLowerCase()) || ['get', 'head', 'post'].includes(method.toLowerCase());
  return methodOk && requestHeaders.every((header) => headers.includes(header.toLowerCase()));
}

/** Finds a port nobody listens on, so an Ably client pointed at it fails at once if it ever calls Ably. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function waitForState(client: Ably.Realtime, state: Ably.ConnectionState, ms: number): Promise<Ably.ConnectionStateChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The Ably client did not reach '${state}' within ${ms} ms (it is '${client.connection.state}').`)), ms);
    client.connection.once(state, (change) => {
      clearTimeout(timer);
      resolve(change);
    });
  });
}

async function closeRealtime(client: Ably.Realtime): Promise<void> {
  if (client.connection.state === 'closed' || client.connection.state === 'failed') return;
  const closed = waitForState(client, 'closed', 5000);
  client.close();
  await closed;
}

/**
 * Declares, with Jest's `describe`/`it`, the HTTP cases every ably-chat-auth adapter must pass.
 * `start` mounts the adapter's token route with the given setup on a real socket
 * (see the package README); the contract then talks to it with `fetch` and the real `ably` client.
 *
 * @example
 * describeAdapterContract('express 5', async ({ options, resolveUserFromHeaders }) => {
 *   const app = express();
 *   app.use('/api/ably-token', createTokenMiddleware({ ...options, resolveUser: (req) => resolveUserFromHeaders(req.headers) }));
 *   const { baseUrl, close } = await listenOnLoopback(http.createServer(app));
 *   return { baseUrl, tokenPath: '/api/ably-token', close };
 * });
 */
export function describeAdapterContract(name: string, start: StartAdapter, contractOptions: AdapterContractOptions = {}): void {
  const loadTimeoutMs = contractOptions.loadTimeoutMs ?? 60_000;

  describe(`${name}: the adapter contract`, () => {
    let fixture: ContractFixture;
    let adapter: StartedAdapter | undefined;
    let tokenUrl: string;
    let answersInspected = 0;

    beforeAll(async () => {
      fixture = createContractFixture();
      adapter = await start(fixture.setup);
      tokenUrl = new URL(adapter.tokenPath, adapter.baseUrl).toString();
    });

    afterAll(async () => {
      await adapter?.close();
    });

    /** Fails when the key's secret (or the key in base64, as in basic auth) shows anywhere in an answer. */
    function assertNoSecret(answer: ContractAnswer, what: string): void {
      const needles = [fixture.secret, Buffer.from(fixture.apiKey).toString('base64'), Buffer.from(fixture.secret).toString('base64')];
      const places: [string, string][] = [['body', answer.body]];
      answer.headers.forEach((value, header) => places.push([`header ${header}`, `${header}: ${value}`]));
      for (const [place, text] of places) {
        if (needles.some((needle) => text.includes(needle))) throw new Error(`The API key's secret leaked in the ${place} of the answer to ${what}.`);
      }
    }

    /** Every answer, whatever its status, must be uncacheable and free of the secret. */
    async function call(init: RequestInit & { url?: string } = {}): Promise<ContractAnswer> {
      const url = init.url ?? tokenUrl;
      const response = await fetch(url, init);
      const answer: ContractAnswer = { status: response.status, headers: response.headers, body: await response.text() };
      const what = `${init.method ?? 'GET'} ${url}`;
      assertNoSecret(answer, what);
      answersInspected += 1;
      const cacheControl = answer.headers.get('cache-control');
      if (!cacheControl?.includes('no-store'))
        throw new Error(`The answer to ${what} (${answer.status}) lacks Cache-Control: no-store (got ${String(cacheControl)}).`);
      return answer;
    }

    async function verify(token: string): Promise<VerifiedToken> {
      const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(fixture.secret), { algorithms: ['HS256'] });
      return { header: protectedHeader, payload };
    }

    /** The token is one Ably accepts, for `userId`, with the server's capability and lifetime. */
    async function expectTokenFor(token: string, userId: string): Promise<VerifiedToken> {
      const verified = await verify(token);
      const { header, payload } = verified;
      expect(header.alg).toBe('HS256');
      expect(header.kid).toBe(fixture.keyName);
      expect(payload['x-ably-clientId']).toBe(userId);
      expect(capabilityOf({ 'x-ably-capability': payload['x-ably-capability'] })).toEqual(expectedCapability(userId));
      // The route's async userClaims reach the token through the adapter, unchanged.
      expect(userClaimsOf(payload)).toEqual(expectedUserClaims(userId));
      const now = Math.floor(Date.now() / 1000);
      expect(typeof payload.iat).toBe('number');
      expect(payload.iat!).toBeLessThanOrEqual(now);
      expect(payload.iat!).toBeGreaterThan(now - 120);
      expect(payload.exp! - payload.iat!).toBe(CONTRACT_TTL_SECONDS);
      return verified;
    }

    async function expectJwtAnswer(answer: ContractAnswer, userId: string): Promise<VerifiedToken> {
      expect({ status: answer.status, body: answer.status === 200 ? '(token)' : answer.body }).toEqual({ status: 200, body: '(token)' });
      expect(answer.headers.get('content-type')).toMatch(/^application\/jwt\b/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.body).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      return expectTokenFor(answer.body, userId);
    }

    function expectAblyError(answer: ContractAnswer, status: number, code: number): { message: string } {
      return { message: expectAblyErrorShape(answer, status, code) };
    }

    function newEvents(from: number): ContractFixture['events'] {
      return fixture.events.slice(from);
    }

    describe('200: a token Ably accepts', () => {
      it('answers GET with application/jwt: HS256, kid = key name, iat/exp, the capability and clientId', async () => {
        const from = fixture.events.length;
        const answer = await call({ headers: sessionCookie('alice') });
        await expectJwtAnswer(answer, 'alice');
        const issued = newEvents(from).filter((e) => e.hook === 'onTokenIssued');
        expect(issued).toEqual([
          expect.objectContaining({ clientId: 'alice', keyName: fixture.keyName, rooms: expect.arrayContaining(['lobby', 'dms:alice:*']) }),
        ]);
        // The framework's request reaches core as `native` (hooks, resolver and policy see it).
        expect(typeof issued[0]!.request).toBe('object');
        expect(issued[0]!.request).not.toBeNull();
      });

      it('answers POST without a body the same way', async () => {
        await expectJwtAnswer(await call({ method: 'POST', headers: sessionCookie('bob') }), 'bob');
      });

      it("signs the route's user claims: ably.room.<pattern> strings, objects as sorted-key JSON", async () => {
        const { payload } = await expectJwtAnswer(await call({ headers: sessionCookie('erin') }), 'erin');
        expect(payload['ably.room.*']).toBe('{"badge":"contract","display_name":"User erin"}');
        expect(JSON.parse(payload['ably.room.*'] as string)).toEqual({ display_name: 'User erin', badge: 'contract' });
        expect(payload['ably.room.dms:erin:*']).toBe('owner');
      });

      it('issues to each user their own identity and rooms', async () => {
        const carol = await expectJwtAnswer(await call({ headers: sessionCookie('carol') }), 'carol');
        const dave = await expectJwtAnswer(await call({ headers: sessionCookie('dave') }), 'dave');
        expect(carol.payload['x-ably-capability']).not.toBe(dave.payload['x-ably-capability']);
      });
    });

    describe('refusals in Ably error shape', () => {
      it('401 when nobody is logged in (no cookie, or no session cookie)', async () => {
        const from = fixture.events.length;
        expectAblyError(await call(), 401, 40100);
        expectAblyError(await call({ headers: { cookie: 'theme=dark' } }), 401, 40100);
        expectAblyError(await call({ method: 'POST' }), 401, 40100);
        expect(newEvents(from)).toEqual([
          expect.objectContaining({ hook: 'onDenied', status: 401, reason: 'unauthenticated' }),
          expect.objectContaining({ hook: 'onDenied', status: 401, reason: 'unauthenticated' }),
          expect.objectContaining({ hook: 'onDenied', status: 401, reason: 'unauthenticated' }),
        ]);
      });

      it('403 when the policy grants the user nothing', async () => {
        const from = fixture.events.length;
        expectAblyError(await call({ headers: sessionCookie(CONTRACT_USERS.banned) }), 403, 40300);
        expectAblyError(await call({ method: 'POST', headers: sessionCookie(CONTRACT_USERS.banned) }), 403, 40300);
        expect(newEvents(from)).toEqual([
          expect.objectContaining({ hook: 'onDenied', status: 403, reason: 'forbidden', clientId: CONTRACT_USERS.banned }),
          expect.objectContaining({ hook: 'onDenied', status: 403, reason: 'forbidden', clientId: CONTRACT_USERS.banned }),
        ]);
      });

      it.each(['PUT', 'PATCH', 'DELETE'])('405 for %s, with Allow: GET, POST', async (method) => {
        const from = fixture.events.length;
        const answer = await call({ method, headers: sessionCookie('alice') });
        expectAblyError(answer, 405, 40500);
        expect(answer.headers.get('allow')).toBe('GET, POST');
        expect(newEvents(from)).toEqual([expect.objectContaining({ hook: 'onDenied', status: 405, reason: 'method-not-allowed' })]);
      });

      it('500 when the resolver throws: logged and reported, the cause not sent', async () => {
        const from = fixture.events.length;
        const logsFrom = fixture.logs.length;
        const answer = await call({ headers: sessionCookie(CONTRACT_USERS.resolverThrows) });
        expectAblyError(answer, 500, 50000);
        expect(answer.body).not.toContain('session store');
        expect(newEvents(from)).toEqual([expect.objectContaining({ hook: 'onError', status: 500, phase: 'resolveUser' })]);
        expect(fixture.logs.slice(logsFrom)).toEqual([expect.objectContaining({ level: 'error' })]);
      });

      it('500 when the policy throws: logged and reported, the cause not sent', async () => {
        const from = fixture.events.length;
        const answer = await call({ method: 'POST', headers: sessionCookie(CONTRACT_USERS.policyThrows) });
        expectAblyError(answer, 500, 50000);
        expect(answer.body).not.toContain('grants store');
        expect(newEvents(from)).toEqual([expect.objectContaining({ hook: 'onError', status: 500, phase: 'policy' })]);
      });
    });

    describe('cross-site requests (Sec-Fetch-Site, allowedOrigins, CORS)', () => {
      const stranger = 'https://evil.example.test';

      it.each([undefined, 'same-origin', 'same-site', 'none'])('serves a request with Sec-Fetch-Site %s, with no CORS header', async (site) => {
        const headers: Record<string, string> = { ...sessionCookie('alice'), ...(site ? { 'sec-fetch-site': site } : {}) };
        const answer = await call({ headers });
        await expectJwtAnswer(answer, 'alice');
        expect(answer.headers.get('access-control-allow-origin')).toBeNull();
        expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      });

      it('refuses a cross-site request from an origin not allowed: Ably-shaped 403 saying how to allow it, no CORS header', async () => {
        const from = fixture.events.length;
        for (const origin of [stranger, 'null']) {
          const answer = await call({ headers: { ...sessionCookie('alice'), 'sec-fetch-site': 'cross-site', origin } });
          const { message } = expectAblyError(answer, 403, 40300);
          expect(message).toContain('allowedOrigins');
          expect(browserLetsPageRead(answer, origin)).toBe(false);
          expect(answer.headers.get('access-control-allow-origin')).toBeNull();
          expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
        }
        // POST (ably-js authMethod POST) and a cross-site request without Origin are refused too.
        expectAblyError(await call({ method: 'POST', headers: { ...sessionCookie('alice'), 'sec-fetch-site': 'cross-site', origin: stranger } }), 403, 40300);
        expectAblyError(await call({ headers: { ...sessionCookie('alice'), 'sec-fetch-site': 'cross-site' } }), 403, 40300);
        expect(newEvents(from).map((e) => e.hook === 'onDenied' && e.reason)).toEqual(['cross-site', 'cross-site', 'cross-site', 'cross-site']);
      });

      it('serves an allowed origin with CORS headers a browser accepts, on success and on refusal', async () => {
        const headers = { 'sec-fetch-site': 'cross-site', origin: CONTRACT_ALLOWED_ORIGIN };
        const ok = await call({ headers: { ...sessionCookie('alice'), ...headers } });
        await expectJwtAnswer(ok, 'alice');
        expect(browserLetsPageRead(ok, CONTRACT_ALLOWED_ORIGIN)).toBe(true);
        expect(ok.headers.get('vary')).toMatch(/\bOrigin\b/i);
        // The page must be able to read a 401/403 too: an unreadable answer looks like a network error to ably-js.
        const unauthenticated = await call({ method: 'POST', headers });
        expectAblyError(unauthenticated, 401, 40100);
        expect(browserLetsPageRead(unauthenticated, CONTRACT_ALLOWED_ORIGIN)).toBe(true);
        const banned = await call({ headers: { ...sessionCookie(CONTRACT_USERS.banned), ...headers } });
        expectAblyError(banned, 403, 40300);
        expect(browserLetsPageRead(banned, CONTRACT_ALLOWED_ORIGIN)).toBe(true);
      });

      it('answers the CORS preflight of an allowed origin with 204, the methods and the requested headers', async () => {
        for (const method of ['GET', 'POST']) {
          const answer = await call({
            method: 'OPTIONS',
            headers: {
              origin: CONTRACT_ALLOWED_ORIGIN,
              'sec-fetch-site': 'cross-site',
              'access-control-request-method': method,
              'access-control-request-headers': 'authorization,x-csrf-token',
            },
          });
          expect(answer.status).toBe(204);
          expect(answer.body).toBe('');
          expect(browserAcceptsPreflight(answer, CONTRACT_ALLOWED_ORIGIN, method, ['authorization', 'x-csrf-token'])).toBe(true);
          expect(answer.headers.get('access-control-allow-methods')).toBe('GET, POST');
        }
      });

      it('gives no CORS header to the preflight of any other origin, so the browser blocks the request', async () => {
        for (const origin of [stranger, 'null', `${CONTRACT_ALLOWED_ORIGIN}.evil.test`, 'http://chat.example.test']) {
          const answer = await call({
            method: 'OPTIONS',
            headers: { origin, 'sec-fetch-site': 'cross-site', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
          });
          expect(browserAcceptsPreflight(answer, origin, 'GET', ['authorization'])).toBe(false);
          expect(answer.headers.get('access-control-allow-origin')).toBeNull();
          expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
          expect(answer.status).toBe(405);
        }
      });
    });

    describe('client-sent clientId, capability and ttl are ignored', () => {
      const forged = { clientId: 'mallory', capability: JSON.stringify({ '*': ['*'] }), ttl: String(24 * 3600 * 1000), timestamp: String(Date.now()) };

      it('in a GET query string', async () => {
        const url = `${tokenUrl}?${new URLSearchParams(forged).toString()}`;
        await expectJwtAnswer(await call({ url, headers: sessionCookie('alice') }), 'alice');
      });

      it('in a POST form body (what ably-js sends with authMethod POST)', async () => {
        const answer = await call({
          method: 'POST',
          headers: { ...sessionCookie('alice'), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(forged).toString(),
        });
        await expectJwtAnswer(answer, 'alice');
      });

      it('in a POST JSON body', async () => {
        const answer = await call({
          method: 'POST',
          headers: { ...sessionCookie('alice'), 'content-type': 'application/json' },
          body: JSON.stringify({ ...forged, capability: { '*': ['*'] }, ttl: 86_400_000 }),
        });
        await expectJwtAnswer(answer, 'alice');
      });

      it('and a POST body nobody reads (256 KiB of octet-stream) does not stall the answer', async () => {
        const answer = await call({
          method: 'POST',
          headers: { ...sessionCookie('alice'), 'content-type': 'application/octet-stream' },
          body: Buffer.alloc(256 * 1024, 7),
        });
        await expectJwtAnswer(answer, 'alice');
        // The connection is still usable afterwards.
        await expectJwtAnswer(await call({ headers: sessionCookie('alice') }), 'alice');
      });
    });

    describe('the real ably client', () => {
      let restHost: { restHost: string; port: number; tls: false; fallbackHosts: string[] };

      beforeAll(async () => {
        // Point the client's own REST host at a dead port: a JWT answer must need no call to Ably.
        restHost = { restHost: '127.0.0.1', port: await deadPort(), tls: false, fallbackHosts: [] };
      });

      it.each(['GET', 'POST'] as const)('authUrl with authMethod %s gets the server-chosen token, whatever tokenParams ask', async (authMethod) => {
        const client = new Ably.Rest({
          ...restHost,
          logLevel: 0,
          authUrl: tokenUrl,
          authMethod,
          authHeaders: sessionCookie('erin'),
          authParams: { clientId: 'mallory' },
        });
        const details = await client.auth.requestToken({ clientId: 'mallory', capability: { '*': ['*'] }, ttl: 86_400_000 });
        await expectTokenFor(details.token, 'erin');
      });

      it("authCallback with fetch + response.text(), as on Ably's Chat authentication page", async () => {
        const client = new Ably.Rest({
          ...restHost,
          logLevel: 0,
          authCallback: (_tokenParams, callback) =>
            void (async () => {
              try {
                const response = await fetch(tokenUrl, { headers: sessionCookie('frank') });
                if (!response.ok) throw new Error('Auth failed');
                callback(null, await response.text());
              } catch (error) {
                callback(error as Ably.ErrorInfo, null);
              }
            })(),
        });
        const details = await client.auth.requestToken();
        await expectTokenFor(details.token, 'frank');
      });

      it('sees a 403 as ErrorInfo { statusCode: 403, code: 40300 }', async () => {
        const client = new Ably.Rest({ ...restHost, logLevel: 0, authUrl: tokenUrl, authHeaders: sessionCookie(CONTRACT_USERS.banned) });
        await expect(client.auth.requestToken()).rejects.toMatchObject({ statusCode: 403, code: 40300 });
      });

      it('sees a 401 as ErrorInfo { statusCode: 401, code: 40100 }', async () => {
        const client = new Ably.Rest({ ...restHost, logLevel: 0, authUrl: tokenUrl, authMethod: 'POST' });
        await expect(client.auth.requestToken()).rejects.toMatchObject({ statusCode: 401, code: 40100 });
      });

      it('a Realtime client of a user with no grants goes to FAILED (403: no retry)', async () => {
        const client = new Ably.Realtime({
          ...restHost,
          logLevel: 0,
          autoConnect: false,
          authUrl: tokenUrl,
          authHeaders: sessionCookie(CONTRACT_USERS.banned),
        });
        try {
          const failed = waitForState(client, 'failed', 10_000);
          client.connect();
          const change = await failed;
          expect(change.reason).toMatchObject({ statusCode: 403, code: 80019, cause: expect.objectContaining({ statusCode: 403, code: 40300 }) });
        } finally {
          await closeRealtime(client);
        }
      });

      it('a Realtime client with nobody logged in goes to DISCONNECTED (401: retried later)', async () => {
        const client = new Ably.Realtime({ ...restHost, logLevel: 0, autoConnect: false, authUrl: tokenUrl });
        try {
          const disconnected = waitForState(client, 'disconnected', 10_000);
          client.connect();
          const change = await disconnected;
          expect(change.reason).toMatchObject({ statusCode: 401 });
          expect(change.retryIn).toBeGreaterThan(0);
        } finally {
          await closeRealtime(client);
        }
      });
    });

    describe('under load', () => {
      it(
        'answers 1000 sequential requests, users interleaved, each with its own clientId',
        async () => {
          for (let i = 0; i < 1000; i += 1) {
            const user = `seq-${i % 10}`;
            const answer = await call({ method: i % 2 ? 'POST' : 'GET', headers: sessionCookie(user) });
            if (answer.status !== 200) throw new Error(`Request ${i} for ${user} got ${answer.status}: ${answer.body}`);
            const { payload } = await verify(answer.body);
            if (payload['x-ably-clientId'] !== user) throw new Error(`Request ${i} for ${user} got a token for ${String(payload['x-ably-clientId'])}.`);
          }
        },
        loadTimeoutMs,
      );

      it(
        'answers 200 concurrent requests, users interleaved, each with its own clientId',
        async () => {
          const users = Array.from({ length: 200 }, (_, i) => `par-${i % 13}-${i}`);
          const answers = await Promise.all(users.map((user, i) => call({ method: i % 3 ? 'GET' : 'POST', headers: sessionCookie(user) })));
          expect(answers.map((a) => a.status)).toEqual(users.map(() => 200));
          const clientIds = await Promise.all(answers.map(async (a) => (await verify(a.body)).payload['x-ably-clientId']));
          expect(clientIds).toEqual(users);
        },
        loadTimeoutMs,
      );
    });

    describe('secrets', () => {
      // Runs last: every answer above was checked by call(); this also covers what core logged.
      it("never sent the API key's secret in any answer, nor logged it", () => {
        expect(answersInspected).toBeGreaterThan(0);
        expect(fixture.logs.length).toBeGreaterThan(0);
        const logged = JSON.stringify(fixture.logs, (_key, value: unknown) =>
          value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value,
        );
        expect(logged).not.toContain(fixture.secret);
      });
    });
  });
}
