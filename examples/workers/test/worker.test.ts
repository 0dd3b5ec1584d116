import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_ROUTES, createDemoConfig, rateLimitKey as sharedRateLimitKey } from '@ably-chat-auth-examples/shared';
import { DemoClient, serveDuringSuite } from '@ably-chat-auth-examples/shared/testing';
import { postChunkedUntilAnswered, residentMemory } from '@ably-chat-auth-examples/shared/src/testing/oversized-body';
import { serializeSigned } from 'hono/utils/cookie';
import { Miniflare } from 'miniflare';
import { parseConfigFileTextToJson } from 'typescript';
import { SESSION_COOKIE } from '../src/app';
import { COMPATIBILITY_DATE, startWorker } from '../src/local';
import { clientAddress, isSecureRequest } from '../src/client-address';
import { rateLimitKey } from '../src/rate-limit-key';
import { builtWorker, startWorkerApp, withinOneWindow } from './worker-app';

/** A login from `address` as Cloudflare's edge hands it to the Worker (CF-Connecting-IP). */
function loginFrom(baseUrl: string, address: string, headers: Record<string, string> = {}): Promise<number> {
  return new DemoClient(baseUrl).login('alice', { 'cf-connecting-ip': address, ...headers }).then((response) => response.status);
}

describe('Workers example rate limits per CF-Connecting-IP', () => {
  const app = serveDuringSuite(startWorkerApp, { loginRateLimitPerMinute: 3, tokenRateLimitPerMinute: 3 });

  test('eight IPv6 addresses of one /56 share one login budget; another /56 has its own', async () => {
    await withinOneWindow();
    // Eight hosts spread over the /56 (different /64s inside it): one client holding the network.
    const statuses: number[] = [];
    for (let subnet = 0; subnet < 8; subnet++) statuses.push(await loginFrom(app.baseUrl, `2001:db8:cafe:${(subnet * 0x21).toString(16)}::${subnet + 1}`));
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    // The neighbouring /56 (2001:db8:cafe:100::/56) is another client.
    expect(await loginFrom(app.baseUrl, '2001:db8:cafe:100::1')).toBe(200);
  });

  test('IPv4 addresses count apart; an IPv4-mapped IPv6 address counts as its IPv4 address', async () => {
    await withinOneWindow();
    for (let i = 0; i < 3; i++) expect(await loginFrom(app.baseUrl, '203.0.113.9')).toBe(200);
    expect(await loginFrom(app.baseUrl, '::ffff:203.0.113.9')).toBe(429);
    expect(await loginFrom(app.baseUrl, '203.0.113.10')).toBe(200);
  });

  test('with no proxy configured, X-Forwarded-For cannot move a client to a fresh budget', async () => {
    await withinOneWindow();
    for (let i = 0; i < 3; i++) expect(await loginFrom(app.baseUrl, '198.51.100.20', { 'x-forwarded-for': `192.0.2.${i}` })).toBe(200);
    expect(await loginFrom(app.baseUrl, '198.51.100.20', { 'x-forwarded-for': '192.0.2.99' })).toBe(429);
  });

  test('the token route counts per /56 too, in Ably\u2019s error shape', async () => {
    const token = (address: string) => fetch(app.baseUrl + DEMO_ROUTES.token, { headers: { 'cf-connecting-ip': address } }).then((response) => response.status);
    await withinOneWindow();
    for (let host = 1; host <= 3; host++) expect(await token(`2001:db8:beef:${host}::1`)).toBe(401);
    const limited = await fetch(app.baseUrl + DEMO_ROUTES.token, { headers: { 'cf-connecting-ip': '2001:db8:beef:ff::1' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ably-errorcode')).toBe('42910');
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(await token('2001:db8:bef0::1')).toBe(401);
  });
});

describe('Workers example login body limit in workerd', () => {
  const app = serveDuringSuite(startWorkerApp, { loginRateLimitPerMinute: 100 });

  test('a 128 MiB chunked login body gets 413 early, and workerd\u2019s own peak memory barely moves', async () => {
    // The shared contract measures the server process (here Node, running miniflare); the body is
    // read by workerd, miniflare's child process, so its memory is measured here.
    const pids = execFileSync('pgrep', ['-P', String(process.pid), 'workerd'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
    const url = app.baseUrl + DEMO_ROUTES.login;
    await postChunkedUntilAnswered(url, 1024 * 1024);
    const before = pids.map((pid) => residentMemory(pid).peak);
    const answer = await postChunkedUntilAnswered(url, 128 * 2 ** 20);
    const growth = Math.max(...pids.map((pid, i) => residentMemory(pid).peak - before[i]!));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: 'The request body is too large.' });
    expect(answer.bytesSent).toBeLessThan(32 * 2 ** 20);
    expect(growth).toBeLessThan(24 * 2 ** 20);
  });
});

describe('Workers example keep-alive connections in workerd', () => {
  const app = serveDuringSuite(startWorkerApp, { loginRateLimitPerMinute: 100_000, tokenRateLimitPerMinute: 100_000 });

  test('a request after an answer that left the body unread (cross-site login, token POST) does not meet a reset connection', async () => {
    // Node's fetch keeps connections alive and reuses them; without drainUnreadBody some of these
    // requests (a few in a thousand) failed with ECONNRESET.
    const failures: string[] = [];
    for (let round = 0; round < 200; round++) {
      const client = new DemoClient(app.baseUrl);
      const steps: Array<[string, () => Promise<Response>]> = [
        ['cross-site form login', () => client.formLogin('mallory', { origin: 'null' })],
        ['cross-site JSON login', () => client.login('mallory', { origin: 'null' })],
        ['token POST', () => client.token('POST')],
        ['token GET', () => client.token()],
      ];
      for (const [name, step] of steps) {
        try {
          await (await step()).arrayBuffer();
        } catch (error) {
          failures.push(`${name}: ${String((error as Error).cause ?? error)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);
});

describe('Workers example rate-limit keys', () => {
  test('are the shared demo\u2019s keys (express-rate-limit\u2019s ipKeyGenerator) for every kind of address', () => {
    const addresses = [
      '203.0.113.7',
      '2001:db8:1:2::7',
      '2001:db8:1:ff00::1',
      '2001:0db8:0001:0000:0000:0000:0000:0001',
      '::1',
      '::ffff:198.51.100.4',
      '::198.51.100.4',
      'fe80::1',
      '2001:db8::',
      'unknown',
      'not-an-address',
    ];
    for (const address of addresses) expect([address, rateLimitKey(address)]).toEqual([address, sharedRateLimitKey(address)]);
    expect(rateLimitKey('2001:db8:1:2::7')).toBe('2001:db8:1::/56');
  });
});

describe('Workers example client address', () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);

  test('is CF-Connecting-IP with no proxy of your own, whatever X-Forwarded-For says', () => {
    expect(clientAddress(headers({ 'cf-connecting-ip': '203.0.113.7', 'x-forwarded-for': '198.51.100.1' }), 0)).toBe('203.0.113.7');
    expect(clientAddress(headers({}), 0)).toBe('unknown');
  });

  test('behind proxies in front of Cloudflare: the entry that many hops left of CF-Connecting-IP, with or without Cloudflare\u2019s own append', () => {
    // On Cloudflare, the edge appends the address that connected to it (your proxy, 10.0.0.1) to X-Forwarded-For.
    const onCloudflare = headers({ 'cf-connecting-ip': '10.0.0.1', 'x-forwarded-for': 'forged, 203.0.113.7, 10.0.0.1' });
    // Locally, miniflare sets CF-Connecting-IP from the socket and appends nothing.
    const local = headers({ 'cf-connecting-ip': '127.0.0.1', 'x-forwarded-for': 'forged, 203.0.113.7' });
    expect(clientAddress(onCloudflare, 1)).toBe('203.0.113.7');
    expect(clientAddress(local, 1)).toBe('203.0.113.7');
    // Fewer entries than hops: the leftmost one.
    expect(clientAddress(headers({ 'cf-connecting-ip': '10.0.0.1' }), 2)).toBe('10.0.0.1');
  });

  test('a request is secure over https, or with a proxy of your own that says so; a client\u2019s own X-Forwarded-Proto is ignored', () => {
    expect(isSecureRequest(new Request('https://chat.example.com/login'), 0)).toBe(true);
    const forwarded = new Request('http://127.0.0.1/login', { headers: { 'x-forwarded-proto': 'https' } });
    expect(isSecureRequest(forwarded, 0)).toBe(false);
    expect(isSecureRequest(forwarded, 1)).toBe(true);
  });
});

describe('Workers example session cookie', () => {
  const sessionSecret = 'a-session-secret-for-this-test';
  const app = serveDuringSuite(startWorkerApp, { sessionSecret });
  const tokenStatus = (cookie: string) => fetch(app.baseUrl + DEMO_ROUTES.token, { headers: { cookie } }).then((response) => response.status);

  test('a tampered cookie is treated as signed out: another id, a cut or forged signature, an unsigned id', async () => {
    const alice = new DemoClient(app.baseUrl);
    await alice.login('alice');
    // Hono's signed cookie: `<id>.<base64 HMAC-SHA256>`, URL-encoded; the id is random, never the user.
    const value = decodeURIComponent(alice.jar.get(SESSION_COOKIE)!);
    const dot = value.lastIndexOf('.');
    const [id, signature] = [value.slice(0, dot), value.slice(dot + 1)];
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(value).not.toContain('alice');
    expect(await tokenStatus(alice.cookie!)).toBe(200);
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    const otherId = randomBytes(32).toString('base64url');
    for (const forged of [id, `${id}.`, `${id}.${flipped}`, `${otherId}.${signature}`, `${id.slice(0, -1)}x.${signature}`]) {
      expect([forged, await tokenStatus(`${SESSION_COOKIE}=${encodeURIComponent(forged)}`)]).toEqual([forged, 401]);
    }
    // A cookie signed with another secret is as good as none.
    const otherSecret = (await serializeSigned(SESSION_COOKIE, id, 'another-secret')).split(';')[0]!;
    expect(await tokenStatus(otherSecret)).toBe(401);
    // The genuine cookie still works: the forgeries ended nothing.
    expect(await tokenStatus(alice.cookie!)).toBe(200);
  });

  test('a validly signed id with no session in KV is signed out too', async () => {
    const cookie = (await serializeSigned(SESSION_COOKIE, randomBytes(32).toString('base64url'), sessionSecret)).split(';')[0]!;
    expect(await tokenStatus(cookie)).toBe(401);
  });

  test('the cookie does not carry the session: another workerd with the same secret but its own KV does not know it', async () => {
    const alice = new DemoClient(app.baseUrl);
    await alice.login('alice');
    const other = await startWorker(await builtWorker(), createDemoConfig({ port: 0, sessionSecret }), 0);
    try {
      // Same secret, so the signature holds, but the other workerd has its own in-memory KV.
      expect((await fetch(other.baseUrl + DEMO_ROUTES.token, { headers: { cookie: alice.cookie! } })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('Workers example without SESSION_SECRET', () => {
  test('answers every request with a JSON 500 that names nothing, and logs which variable to set', async () => {
    const worker = await builtWorker();
    // The local runner always passes a secret; a deployment without the secret is what this imitates.
    const logged: string[] = [];
    const mf = new Miniflare({
      modules: true,
      script: worker.script,
      compatibilityDate: COMPATIBILITY_DATE,
      kvNamespaces: ['SESSIONS'],
      host: '127.0.0.1',
      port: 0,
      handleRuntimeStdio: (stdout, stderr) => {
        stdout.on('data', (chunk: Buffer) => logged.push(chunk.toString()));
        stderr.on('data', (chunk: Buffer) => logged.push(chunk.toString()));
      },
    });
    try {
      const url = await mf.ready;
      const response = await fetch(new URL(DEMO_ROUTES.token, url));
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: 'The server is misconfigured; it has logged the cause.' });
      for (let i = 0; i < 50 && !logged.join('').includes('SESSION_SECRET'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(logged.join('')).toMatch(/Configuration error: SESSION_SECRET is not set: .*wrangler secret put SESSION_SECRET/);
    } finally {
      await mf.dispose();
    }
  });
});

describe('Workers example wrangler.jsonc', () => {
  // JSON with comments and trailing commas, as wrangler reads it: TypeScript's tsconfig reader takes the same.
  const { config: wrangler, error } = parseConfigFileTextToJson('wrangler.jsonc', readFileSync(join(__dirname, '..', 'wrangler.jsonc'), 'utf8')) as {
    config: Record<string, unknown>;
    error?: unknown;
  };

  test('parses', () => expect(error).toBeUndefined());

  test('deploys what runs locally: the same entry, date, assets and bindings, at the demo\u2019s default limits, without nodejs_compat', () => {
    const defaults = createDemoConfig();
    expect(wrangler).toMatchObject({
      main: 'dist/worker.js',
      compatibility_date: COMPATIBILITY_DATE,
      no_bundle: true,
      assets: { directory: 'dist/assets', binding: 'ASSETS' },
      kv_namespaces: [{ binding: 'SESSIONS' }],
      ratelimits: [
        { name: 'LOGIN_LIMIT', namespace_id: '1001', simple: { limit: defaults.loginRateLimitPerMinute, period: 60 } },
        { name: 'TOKEN_LIMIT', namespace_id: '1002', simple: { limit: defaults.tokenRateLimitPerMinute, period: 60 } },
      ],
    });
    expect(wrangler).not.toHaveProperty('compatibility_flags');
  });

  test('the build is an ES module that imports no Node built-in (no nodejs_compat needed)', async () => {
    const { script } = await builtWorker();
    // builtWorker() writes <outDir>/worker.js beside <outDir>/assets, the layout of dist/.
    expect(script).toContain('export {');
    expect(script).not.toMatch(/from\s*["']node:/);
  });
});
