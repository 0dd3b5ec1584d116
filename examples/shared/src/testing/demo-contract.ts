import { expect } from '@jest/globals';
import * as Ably from 'ably';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { compileGrants } from '@ably-chat-auth/core';
import { DEV_API_KEY, createDemoConfig, type DemoConfig, type DemoConfigInput } from '../config.js';
import { DEMO_ROUTES, chatPageAssets } from '../page.js';
import { demoPolicy } from '../policy.js';
import { expectTokenMetricsJourney } from './metrics-journey.js';
import { DemoClient } from './client.js';
import { postChunkedUntilAnswered, postDeclaringLength, residentMemory } from './oversized-body.js';
import { ServerProcess } from './server-process.js';

/** A demo app listening on a loopback port. */
export interface RunningDemoApp {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  baseUrl: string;
  /** Stops the app and drops keep-alive connections, so Jest exits cleanly. */
  close(): Promise<void>;
}

/** Builds the example's app from `config` and serves it on a free loopback port. */
export type StartDemoApp = (config: DemoConfig) => Promise<RunningDemoApp>;

/** How {@link describeDemoExample} runs one example. */
export interface DemoExampleOptions {
  /** Serves the example's app in this process. */
  start: StartDemoApp;
  /** Absolute path of the example's `src/server.ts`, which the kit runs under tsx like `pnpm start`. */
  serverEntry: string;
  /** Name of the example's session cookie. */
  sessionCookie: string;
  /**
   * Whether `METRICS_PORT` serves Prometheus metrics (the default). False for a runtime with no
   * scrape endpoint of its own (a Cloudflare Worker): the server must then refuse to start with
   * `METRICS_PORT` set, saying why, rather than ignore it.
   */
  servesMetrics?: boolean;
}

/** The app of the enclosing `describe`, started in `beforeAll` and closed in `afterAll`. */
export interface SuiteApp {
  /** Base URL of the running app; read it inside tests. */
  readonly baseUrl: string;
}

/**
 * Starts the example once for the enclosing `describe` with the demo config (`port: 0`, the dev
 * key) plus `input`, and closes it after the last test.
 *
 * @example
 * const app = serveDuringSuite(start, { tokenRateLimitPerMinute: 2 });
 * test('...', async () => expect((await fetch(app.baseUrl)).status).toBe(200));
 */
export function serveDuringSuite(start: StartDemoApp, input: DemoConfigInput = {}): SuiteApp {
  let running: RunningDemoApp | undefined;
  beforeAll(async () => {
    running = await start(createDemoConfig({ port: 0, ...input }));
  }, APP_START_TIMEOUT_MS);
  afterAll(() => running?.close());
  return {
    get baseUrl(): string {
      if (!running) throw new Error('The app is not running yet: read baseUrl inside a test, not while declaring it.');
      return running.baseUrl;
    },
  };
}

const DEV_KEY_SECRET = new TextEncoder().encode(DEV_API_KEY.split(':')[1]);

/** Verifies a token with jose (HS256 with the dev key's secret, `kid` = the dev key's name) and returns its claims. */
async function verifiedClaims(token: string): Promise<Record<string, unknown>> {
  expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: 'devApp.devKey' });
  const { payload } = await jwtVerify(token, DEV_KEY_SECRET, { algorithms: ['HS256'] });
  return payload;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Starting an app (a Worker bundled and served by workerd, a cold NestJS) can take longer than
 * Jest's 5 s default when another job shares the machine's two cores.
 */
const APP_START_TIMEOUT_MS = 30_000;

/** A query that tries to pick the client id and capability; the token route must ignore it. */
const FORGED_QUERY = `?clientId=admin&capability=${encodeURIComponent(JSON.stringify({ '*': ['*'] }))}`;

const SPAWN_TIMEOUT_MS = 30_000;

/** The chunked login body of the body-limit test: large enough that holding it would show. */
const OVERSIZED_CHUNKED_BYTES = 128 * 2 ** 20;
/** How much the server's peak resident memory may grow while it refuses that body. */
const MAX_BODY_MEMORY_GROWTH = 24 * 2 ** 20;

/**
 * Declares, with Jest's `describe`/`test`, the demo contract of examples/shared/README.md for one
 * example: the page and its assets, login and logout, the username rule, the demo policy's outcome
 * for alice, admin and banned, 401 before login, 405, the 429s of both rate limits, and
 * `src/server.ts` run as a process (dev-key banner, malformed key, real-looking key).
 * `name` is the framework name the page shows in its badge.
 *
 * @example
 * describeDemoExample('Express', {
 *   start: (config) => listenOnLoopback(createServer(createApp(config, { logger: false }))),
 *   serverEntry: join(__dirname, '..', 'src', 'server.ts'),
 *   sessionCookie: SESSION_COOKIE,
 * });
 */
export function describeDemoExample(name: string, { start, serverEntry, sessionCookie, servesMetrics = true }: DemoExampleOptions): void {
  describe(`${name} example`, () => {
    const app = serveDuringSuite(start);
    const tokenUrl = (): string => app.baseUrl + DEMO_ROUTES.token;

    test('serves the chat page and the SDKs from the app itself', async () => {
      const page = await fetch(app.baseUrl + DEMO_ROUTES.page);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(await page.text()).toContain(`<span class="badge">${name}</span>`);
      for (const asset of chatPageAssets) {
        const response = await fetch(app.baseUrl + asset.path);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe(asset.contentType);
        expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      }
    });

    test('the token route answers 401 in Ably\u2019s shape before login', async () => {
      const response = await new DemoClient(app.baseUrl).token();
      expect(response.status).toBe(401);
      expect(response.headers.get('x-ably-errorcode')).toBe('40100');
      expect(await response.json()).toMatchObject({ error: { code: 40100, statusCode: 401 } });
    });

    test('login rejects a bad username with 400 and a clear JSON error, and starts no session', async () => {
      const client = new DemoClient(app.baseUrl);
      for (const username of ['Alice', '', 'a:b', 'x'.repeat(33), 7]) {
        const response = await client.login(username);
        expect(response.status).toBe(400);
        const body = (await response.json()) as { error: string };
        expect(body.error).toContain('1 to 32 characters');
        expect(response.headers.getSetCookie()).toEqual([]);
      }
      const noBody = await client.request(DEMO_ROUTES.login, { method: 'POST' });
      expect(noBody.status).toBe(400);
      expect(await noBody.json()).toEqual({ error: expect.stringMatching(/username is required/) });
      const badJson = await client.request(DEMO_ROUTES.login, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
      expect(badJson.status).toBe(400);
      expect(await badJson.json()).toEqual({ error: 'The request body is not valid JSON.' });
      expect(client.cookie).toBeUndefined();
    });

    test('alice logs in and gets a token for exactly the demo policy, over GET and POST; the query cannot change it', async () => {
      const alice = new DemoClient(app.baseUrl);
      const login = await alice.login('alice');
      expect(login.status).toBe(200);
      expect(await login.json()).toEqual({ username: 'alice' });
      const setCookie = login.headers.getSetCookie().join('\n');
      expect(setCookie).toMatch(new RegExp(`^${escapeRegExp(sessionCookie)}=`));
      // Cookie attribute names are case-insensitive (express-session writes `HttpOnly`, koa-session `httponly`).
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);

      const expected = compileGrants(demoPolicy({ username: 'alice' }))!.json;
      for (const method of ['GET', 'POST'] as const) {
        const response = await alice.token(method, FORGED_QUERY);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^application\/jwt/);
        expect(response.headers.get('cache-control')).toBe('no-store');
        const claims = await verifiedClaims(await response.text());
        expect(claims['x-ably-clientId']).toBe('alice');
        expect(claims['x-ably-capability']).toBe(expected);
      }
    });

    test('a form-encoded login works too; admin moderates announcements', async () => {
      const admin = new DemoClient(app.baseUrl);
      const login = await admin.request(DEMO_ROUTES.login, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=admin',
      });
      expect(login.status).toBe(200);
      const claims = await verifiedClaims(await (await admin.token()).text());
      expect(claims['x-ably-clientId']).toBe('admin');
      expect((JSON.parse(claims['x-ably-capability'] as string) as Record<string, string[]>).announcements).toContain('message-delete-any');
    });

    test('the real Ably client gets alice\u2019s token through the route, and a 403 for banned', async () => {
      const alice = new DemoClient(app.baseUrl);
      await alice.login('alice');
      const rest = new Ably.Rest({ authUrl: tokenUrl(), authHeaders: { cookie: alice.cookie! }, logLevel: 0 });
      const details = await rest.auth.requestToken();
      expect((await verifiedClaims(details.token))['x-ably-clientId']).toBe('alice');

      const banned = new DemoClient(app.baseUrl);
      expect((await banned.login('banned')).status).toBe(200);
      const refused = await banned.token();
      expect(refused.status).toBe(403);
      expect(refused.headers.get('x-ably-errorcode')).toBe('40300');
      const bannedRest = new Ably.Rest({ authUrl: tokenUrl(), authHeaders: { cookie: banned.cookie! }, logLevel: 0 });
      await expect(bannedRest.auth.requestToken()).rejects.toMatchObject({ statusCode: 403, code: 40300 });
    });

    test('logout destroys the session: the old cookie no longer gets a token', async () => {
      const alice = new DemoClient(app.baseUrl);
      await alice.login('alice');
      const oldCookie = alice.cookie!;
      expect((await alice.token()).status).toBe(200);
      const logout = await alice.logout();
      expect(logout.status).toBe(204);
      expect(logout.headers.getSetCookie().join('\n')).toMatch(/Expires=Thu, 01 Jan 1970/i);
      const replay = await fetch(tokenUrl(), { headers: { cookie: oldCookie } });
      expect(replay.status).toBe(401);
    });

    test('logging in again replaces the session id', async () => {
      const client = new DemoClient(app.baseUrl);
      await client.login('alice');
      const first = client.cookie;
      await client.login('bob');
      expect(client.cookie).not.toBe(first);
      expect((await fetch(tokenUrl(), { headers: { cookie: first! } })).status).toBe(401);
      expect((await verifiedClaims(await (await client.token()).text()))['x-ably-clientId']).toBe('bob');
    });

    test('other methods on the token route get 405 with Allow', async () => {
      const response = await fetch(tokenUrl(), { method: 'PUT' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, POST');
    });
  });

  describe(`${name} example rate limits`, () => {
    const app = serveDuringSuite(start, { loginRateLimitPerMinute: 2, tokenRateLimitPerMinute: 3 });

    test('login: 429 with Retry-After and a JSON error past the limit', async () => {
      const client = new DemoClient(app.baseUrl);
      expect((await client.login('alice')).status).toBe(200);
      expect((await client.login('Bad Name')).status).toBe(400);
      const limited = await client.login('alice');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(await limited.json()).toEqual({ error: expect.stringMatching(/^Too many login attempts/) });
    });

    test('token route: 429 in Ably\u2019s error shape with x-ably headers and Retry-After, also for the Ably client', async () => {
      const anonymous = new DemoClient(app.baseUrl);
      for (let i = 0; i < 3; i++) expect((await anonymous.token()).status).toBe(401);
      const limited = await anonymous.token();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
      expect(limited.headers.get('x-ably-errorcode')).toBe('42910');
      expect(limited.headers.get('x-ably-errormessage')).toMatch(/^Too many token requests/);
      expect(limited.headers.get('cache-control')).toBe('no-store');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await limited.json()).toEqual({
        error: { message: expect.stringMatching(/^Too many token requests; try again in \d+ s\.$/), code: 42910, statusCode: 429 },
      });

      const rest = new Ably.Rest({ authUrl: app.baseUrl + DEMO_ROUTES.token, logLevel: 0 });
      await expect(rest.auth.requestToken()).rejects.toMatchObject({ statusCode: 429, code: 42910 });
    });
  });

  describe(`${name} example token limit across methods and spellings`, () => {
    const app = serveDuringSuite(start, { tokenRateLimitPerMinute: 2, loginRateLimitPerMinute: 50 });

    test('GET, POST and case or trailing-slash variants of the token route share one limit; the page and login do not count', async () => {
      const client = new DemoClient(app.baseUrl);
      expect((await client.request(DEMO_ROUTES.token, { method: 'POST' })).status).toBe(401);
      for (let i = 0; i < 3; i++) expect((await fetch(app.baseUrl + DEMO_ROUTES.page)).status).toBe(200);
      expect((await client.login('alice')).status).toBe(200);
      expect((await client.request('/API/ably-token/')).status).toBe(200);
      const limited = await client.token('POST');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-ably-errorcode')).toBe('42910');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });
  });

  describe(`${name} example against cross-site posts (login CSRF)`, () => {
    // A limit no test here reaches, whether or not refused requests count against it.
    const app = serveDuringSuite(start, { loginRateLimitPerMinute: 100 });
    const evil = 'https://evil.test';

    /** A refused request: JSON 403 that says why, no cookie set, and the client is not signed in. */
    async function expectRefused(client: DemoClient, response: Response): Promise<void> {
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/comes from another website/) });
      expect(response.headers.getSetCookie()).toEqual([]);
    }

    test.each([
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site: cross-site with an Origin', { 'sec-fetch-site': 'cross-site', origin: evil }],
      ['no Sec-Fetch-Site, Origin: https://evil.test', { origin: evil }],
      ['no Sec-Fetch-Site, Origin: null', { origin: 'null' }],
    ])('a form post to /login from another site (%s) gets a JSON 403, no cookie, no session', async (_, headers: Record<string, string>) => {
      const client = new DemoClient(app.baseUrl);
      await expectRefused(client, await client.formLogin('mallory', headers));
      expect(client.cookie).toBeUndefined();
      expect((await client.token()).status).toBe(401);
      // A JSON body is refused the same way.
      await expectRefused(client, await client.login('mallory', headers));
    });

    test('case and trailing-slash variants of /login are refused too', async () => {
      for (const path of ['/LOGIN', `${DEMO_ROUTES.login}/`]) {
        const client = new DemoClient(app.baseUrl);
        const response = await client.formLogin('mallory', { 'sec-fetch-site': 'cross-site', origin: evil }, path);
        expect(response.status).toBe(403);
        expect(response.headers.getSetCookie()).toEqual([]);
      }
    });

    test('a signed-in user stays signed in as themselves when another site posts a login or a logout', async () => {
      const alice = new DemoClient(app.baseUrl);
      expect((await alice.login('alice')).status).toBe(200);
      const cookie = alice.cookie;
      await expectRefused(alice, await alice.formLogin('mallory', { origin: evil }));
      await expectRefused(alice, await alice.logout({ 'sec-fetch-site': 'cross-site', origin: evil }));
      expect(alice.cookie).toBe(cookie);
      const token = await alice.token();
      expect(token.status).toBe(200);
      expect((await verifiedClaims(await token.text()))['x-ably-clientId']).toBe('alice');
    });

    test.each([
      ['Sec-Fetch-Site: same-origin with its Origin', (base: string) => ({ 'sec-fetch-site': 'same-origin', origin: base })],
      ['Sec-Fetch-Site: same-site', () => ({ 'sec-fetch-site': 'same-site' })],
      ['its own Origin, no Sec-Fetch-Site (older browsers)', (base: string) => ({ origin: base })],
      ['no Origin and no Sec-Fetch-Site (curl, scripts)', () => ({})],
    ])('a login from the site itself still works: %s', async (_, headersFor: (baseUrl: string) => Record<string, string>) => {
      const client = new DemoClient(app.baseUrl);
      const headers = headersFor(app.baseUrl);
      const login = await client.formLogin('alice', headers);
      expect(login.status).toBe(200);
      expect(login.headers.getSetCookie().join('\n')).toMatch(new RegExp(`^${escapeRegExp(sessionCookie)}=`));
      expect((await verifiedClaims(await (await client.token()).text()))['x-ably-clientId']).toBe('alice');
      expect((await client.logout(headers)).status).toBe(204);
      expect((await client.token()).status).toBe(401);
    });

    test('the token route refuses a cross-site request with Ably\u2019s 403 and sends no CORS header', async () => {
      const alice = new DemoClient(app.baseUrl);
      await alice.login('alice');
      const response = await alice.request(DEMO_ROUTES.token, { headers: { 'sec-fetch-site': 'cross-site', origin: evil } });
      expect(response.status).toBe(403);
      expect(response.headers.get('x-ably-errorcode')).toBe('40300');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(await response.json()).toMatchObject({ error: { code: 40300, message: expect.stringContaining('allowedOrigins') } });
    });
  });

  describe(`${name} example behind a reverse proxy (TRUST_PROXY_HOPS=1)`, () => {
    const app = serveDuringSuite(start, { loginRateLimitPerMinute: 2, trustProxyHops: 1 });

    test('rotating the leftmost X-Forwarded-For entry does not escape the login limit; the proxy-appended entry is the client', async () => {
      // The proxy appends the address it saw (203.0.113.7); what stands left of it, the client wrote.
      const via = (forged: string, client: string): Record<string, string> => ({ 'x-forwarded-for': `${forged}, ${client}` });
      expect((await new DemoClient(app.baseUrl).login('alice', via('198.51.100.1', '203.0.113.7'))).status).toBe(200);
      expect((await new DemoClient(app.baseUrl).login('alice', via('198.51.100.2', '203.0.113.7'))).status).toBe(200);
      const limited = await new DemoClient(app.baseUrl).login('alice', via('198.51.100.3', '203.0.113.7'));
      expect(limited.status).toBe(429);
      expect(await limited.json()).toEqual({ error: expect.stringMatching(/^Too many login attempts/) });
      // Another client behind the same proxy has a budget of its own: the header is read, one hop deep.
      expect((await new DemoClient(app.baseUrl).login('alice', via('198.51.100.3', '203.0.113.8'))).status).toBe(200);
    });

    test('eight IPv6 addresses of one /64 share one login count; another network has its own', async () => {
      const from = (address: string): Promise<number> =>
        new DemoClient(app.baseUrl).login('alice', { 'x-forwarded-for': address }).then((response) => response.status);
      // The limit is 2: one client rotating through its /64 is refused from the third try on.
      const statuses: number[] = [];
      for (let host = 1; host <= 8; host++) statuses.push(await from(`2001:db8:aa:bb::${host.toString(16)}`));
      expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 429, 429]);
      expect(await from('2001:db8:ab::1')).toBe(200);
    });
  });

  describe(`${name} example session cookie behind a TLS proxy (TRUST_PROXY_HOPS=1)`, () => {
    const app = serveDuringSuite(start, { trustProxyHops: 1, loginRateLimitPerMinute: 100 });
    const sessionCookieOf = (response: Response): string | undefined =>
      response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${sessionCookie}=`));

    test('X-Forwarded-Proto: https from the proxy marks the session cookie Secure; plain HTTP does not', async () => {
      const overTls = await new DemoClient(app.baseUrl).login('alice', { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' });
      expect(overTls.status).toBe(200);
      expect(sessionCookieOf(overTls)).toMatch(/;\s*Secure/i);
      const plain = await new DemoClient(app.baseUrl).login('alice', { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'http' });
      expect(plain.status).toBe(200);
      expect(sessionCookieOf(plain)).toBeDefined();
      expect(sessionCookieOf(plain)).not.toMatch(/;\s*Secure/i);
    });
  });

  describe(`${name} example with no proxy configured (TRUST_PROXY_HOPS=0, the default)`, () => {
    const app = serveDuringSuite(start, { loginRateLimitPerMinute: 2 });

    test('X-Forwarded-For is ignored altogether: a client rotating every entry still hits the login limit', async () => {
      expect((await new DemoClient(app.baseUrl).login('alice', { 'x-forwarded-for': '203.0.113.1' })).status).toBe(200);
      expect((await new DemoClient(app.baseUrl).login('alice', { 'x-forwarded-for': '198.51.100.2, 203.0.113.2' })).status).toBe(200);
      const limited = await new DemoClient(app.baseUrl).login('alice', { 'x-forwarded-for': '198.51.100.3, 203.0.113.3' });
      expect(limited.status).toBe(429);
    });
  });

  describe(`${name} example session cookie with no proxy configured (TRUST_PROXY_HOPS=0)`, () => {
    const app = serveDuringSuite(start, { loginRateLimitPerMinute: 100 });

    test('X-Forwarded-Proto is ignored too: a client that writes https itself gets no Secure cookie over plain HTTP', async () => {
      const login = await new DemoClient(app.baseUrl).login('alice', { 'x-forwarded-proto': 'https' });
      expect(login.status).toBe(200);
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith(`${sessionCookie}=`));
      expect(cookie).toBeDefined();
      expect(cookie).not.toMatch(/;\s*Secure/i);
    });
  });

  describe(`${name} example src/server.ts`, () => {
    test(
      'without ABLY_API_KEY: prints the dev-key banner, listens on PORT and serves tokens',
      async () => {
        const server = ServerProcess.start(serverEntry, { PORT: '0' });
        try {
          const [, port] = await server.waitFor(/listening on http:\/\/localhost:(\d+)/);
          expect(server.output()).toContain('ABLY_API_KEY is not set');
          expect(server.output()).toContain('Ably will REJECT these tokens');
          const client = new DemoClient(`http://127.0.0.1:${port}`);
          expect((await client.request(DEMO_ROUTES.page)).status).toBe(200);
          expect((await client.login('alice')).status).toBe(200);
          const token = await client.token();
          expect(token.status).toBe(200);
          expect(token.headers.get('content-type')).toMatch(/^application\/jwt/);
        } finally {
          expect(await server.stop()).toBe(0);
        }
      },
      SPAWN_TIMEOUT_MS,
    );

    test(
      'with a malformed ABLY_API_KEY: exits with status 1 naming the format, never echoing the value',
      async () => {
        const server = ServerProcess.start(serverEntry, { PORT: '0', ABLY_API_KEY: 'myapp-TopSecretValue42' });
        expect(await server.exited).toBe(1);
        expect(server.errors()).toMatch(/Configuration error: ABLY_API_KEY is malformed: expected an Ably API key of the form 'appId.keyId:secret'/);
        expect(server.output() + server.errors()).not.toContain('TopSecretValue42');
        expect(server.output()).not.toMatch(/listening/);
      },
      SPAWN_TIMEOUT_MS,
    );

    test(
      'with a real-looking key: no banner, names the key, never prints the secret',
      async () => {
        const server = ServerProcess.start(serverEntry, {
          PORT: '0',
          ABLY_API_KEY: 'appAbc.keyXyz:TopSecretValue42',
          SESSION_SECRET: 'fixed-session-secret',
          TRUST_PROXY_HOPS: '1',
          RATE_LIMIT_LOGIN_PER_MIN: '1',
        });
        try {
          const [, port] = await server.waitFor(/listening on http:\/\/localhost:(\d+)/);
          expect(server.output()).toContain('Signing Ably tokens with key appAbc.keyXyz.');
          expect(server.output()).toContain('TRUST_PROXY_HOPS=1: behind 1 reverse proxy');
          // The entry point hands TRUST_PROXY_HOPS to the app: the limit counts the proxy-appended address.
          const login = (xff: string): Promise<number> =>
            new DemoClient(`http://127.0.0.1:${port}`).login('alice', { 'x-forwarded-for': xff }).then((r) => r.status);
          expect(await login('198.51.100.1, 203.0.113.7')).toBe(200);
          expect(await login('198.51.100.2, 203.0.113.7')).toBe(429);
          expect(await login('198.51.100.2, 203.0.113.8')).toBe(200);
          expect(server.output()).not.toContain('ABLY_API_KEY is not set');
          expect(server.output()).not.toContain('SESSION_SECRET is not set');
          expect(server.output() + server.errors()).not.toContain('TopSecretValue42');
        } finally {
          await server.stop();
        }
      },
      SPAWN_TIMEOUT_MS,
    );

    test(
      'an oversized login body gets 413: from Content-Length before it is read, and a chunked one with bounded memory',
      async () => {
        const server = ServerProcess.start(serverEntry, { PORT: '0', RATE_LIMIT_LOGIN_PER_MIN: '100' });
        try {
          const [, port] = await server.waitFor(/listening on http:\/\/localhost:(\d+)/);
          const loginUrl = `http://127.0.0.1:${port}${DEMO_ROUTES.login}`;
          // 300 MB announced, 16 bytes sent: the answer cannot wait for the body.
          const declared = await postDeclaringLength(loginUrl, 300_000_000);
          expect(declared.status).toBe(413);
          expect(JSON.parse(declared.body)).toEqual({ error: 'The request body is too large.' });
          // Warm up the chunked path, so the reading below measures the large body alone.
          expect((await postChunkedUntilAnswered(loginUrl, 1024 * 1024)).status).toBe(413);
          const before = residentMemory(server.pid!);
          const chunked = await postChunkedUntilAnswered(loginUrl, OVERSIZED_CHUNKED_BYTES);
          const after = residentMemory(server.pid!);
          expect(chunked.status).toBe(413);
          expect(JSON.parse(chunked.body)).toEqual({ error: 'The request body is too large.' });
          const growth = after.peak - before.peak;
          if (process.env.REPORT_BODY_MEMORY) {
            console.info(
              `${name}: ${OVERSIZED_CHUNKED_BYTES / 2 ** 20} MiB chunked login body: answered after ${(chunked.bytesSent / 2 ** 20).toFixed(1)} MiB sent; peak RSS ${(before.peak / 2 ** 20).toFixed(1)} -> ${(after.peak / 2 ** 20).toFixed(1)} MiB`,
            );
          }
          // The server stopped reading near the limit (what it sent is what the sockets buffered)...
          expect(chunked.bytesSent).toBeLessThan(OVERSIZED_CHUNKED_BYTES / 4);
          // ...and never held the body: its peak resident memory grew by far less than the body.
          expect(growth).toBeLessThan(MAX_BODY_MEMORY_GROWTH);
          // It still serves logins.
          expect((await new DemoClient(`http://127.0.0.1:${port}`).login('alice')).status).toBe(200);
        } finally {
          await server.stop();
        }
      },
      SPAWN_TIMEOUT_MS,
    );

    // One of the two, declared: a runtime either serves the metrics or refuses the setting.
    const [metricsTest, refusesMetricsTest] = servesMetrics ? [test, undefined] : [undefined, test];

    refusesMetricsTest?.(
      'with METRICS_PORT on a runtime without a scrape endpoint: exits with status 1 naming METRICS_PORT',
      async () => {
        const server = ServerProcess.start(serverEntry, { PORT: '0', METRICS_PORT: '0' });
        expect(await server.exited).toBe(1);
        expect(server.errors()).toMatch(/Configuration error: METRICS_PORT is not used by/);
        expect(server.output()).not.toMatch(/listening/);
      },
      SPAWN_TIMEOUT_MS,
    );

    metricsTest?.(
      'with METRICS_PORT: serves Prometheus metrics on 127.0.0.1 only, counting the token answers by outcome',
      async () => {
        // Four token requests from one address: the fourth is over the limit, counted as rate_limited.
        const server = ServerProcess.start(serverEntry, { PORT: '0', METRICS_PORT: '0', RATE_LIMIT_TOKEN_PER_MIN: '3' });
        try {
          const [, port] = await server.waitFor(/listening on http:\/\/localhost:(\d+)/);
          const [, metricsUrl] = await server.waitFor(/Prometheus metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/);
          await expectTokenMetricsJourney(`http://127.0.0.1:${port}`, metricsUrl!);
        } finally {
          expect(await server.stop()).toBe(0);
        }
      },
      SPAWN_TIMEOUT_MS,
    );
  });
}
