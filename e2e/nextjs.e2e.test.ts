/* The Next.js example in Chromium: its own page (a React client component over
 * @ably-chat-auth/client, `ably` and `@ably/chat`), built once with `next build` and run with
 * scripts/start.mjs (`pnpm start`) as a child process, as a user would run it. The shared page's suite
 * (chat-page.e2e.test.ts) does not apply: this page is not the shared one. */
import { expect } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ablyCodeForStatus } from '@ably-chat-auth/core/adapter';
import { capabilityOf, testKey, verifyAblyJwt } from '@ably-chat-auth/adapter-contract/testing';
import { DEV_API_KEY } from '../examples/shared/src/config';
import { postChunkedUntilAnswered, postDeclaringLength, residentMemory } from '../examples/shared/src/testing/oversized-body';
import { RedisServer } from '../examples/shared/src/testing/redis-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const APP_DIR = join(__dirname, '..', 'examples', 'nextjs');
const SCREENSHOTS = join(__dirname, '..', 'test-output');
const [devKeyName, devSecret] = DEV_API_KEY.split(':') as [string, string];
const DEV_KEY = testKey(devKeyName, devSecret);

let browser: Browser;
let app: RunningApp;
let baseUrl: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The app as `pnpm start` runs it: scripts/start.mjs, Next.js's handler behind a Node server that appends the peer to X-Forwarded-For. */
interface RunningApp {
  readonly url: string;
  /** The server's process id (scripts/start.mjs runs Next.js in its own process). */
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** Starts scripts/start.mjs on a free port with `env` added, and resolves once it says it is listening. */
async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  // PORT=0: the start script picks a free port (next start cannot listen on 0).
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', SESSION_SECRET: randomBytes(32).toString('base64url'), ...env };
  delete childEnv.ABLY_API_KEY;
  delete childEnv.NODE_OPTIONS;
  const child = spawn(process.execPath, [join(APP_DIR, 'scripts', 'start.mjs')], { cwd: APP_DIR, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the start script did not listen within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const found = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the start script exited (${code}):\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, pid: child.pid!, output: () => output, stop };
}

/** Polls `url` until it answers 200; rejects with what the server printed if it does not within `ms`. */
async function waitForServer(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`the app did not answer at ${url} within ${ms} ms:\n${app.output()}`);
}

beforeAll(async () => {
  // Builds unless nothing the build reads changed since the last one (the script checks); needs the packages' dist.
  const build = spawnSync(process.execPath, [join(APP_DIR, 'scripts', 'build.mjs')], { cwd: APP_DIR, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
  app = await startApp();
  baseUrl = app.url;
  await waitForServer(`${baseUrl}/`, 30_000);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A fresh browser profile on the app, counting token requests and recording uncaught errors. */
async function openPage(): Promise<{ page: Page; close: () => Promise<void>; problems: string[]; tokenRequests: () => number; tokenBodies: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 860 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const tokenBodies: string[] = [];
  let tokenRequests = 0;
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  // The token route's answers, read on their way to the page: the client reads its body as a
  // stream, whose bytes DevTools (and so response.text()) does not keep.
  await context.route(`${baseUrl}/api/ably-token**`, async (route) => {
    const response = await route.fetch();
    const body = await response.text();
    if (response.ok()) tokenBodies.push(body);
    await route.fulfill({ response, body });
  });
  page.on('request', (request) => {
    if (request.url().startsWith(`${baseUrl}/api/ably-token`)) tokenRequests += 1;
  });
  page.on('response', (response) => {
    const url = response.url();
    // The token route's 401/403 are expected answers; anything else of the app failing is not.
    if (url.startsWith(baseUrl) && !url.startsWith(`${baseUrl}/api/ably-token`) && response.status() >= 400) problems.push(`${response.status()} ${url}`);
  });
  await page.goto(`${baseUrl}/`);
  return { page, close: () => context.close(), problems, tokenRequests: () => tokenRequests, tokenBodies };
}

async function login(page: Page, username: string): Promise<void> {
  await page.locator('#login-view').waitFor({ state: 'visible' });
  await page.fill('#username', username);
  await page.click('#login-form button[type=submit]');
}

describe('the Next.js example (scripts/start.mjs): login bodies', () => {
  test('an oversized login body gets 413: from Content-Length before it is read, and a chunked one with bounded memory', async () => {
    const loginUrl = `${baseUrl}/login`;
    // 300 MB announced, 16 bytes sent: the answer cannot wait for the body.
    const declared = await postDeclaringLength(loginUrl, 300_000_000);
    expect(declared.status).toBe(413);
    // Warm up the chunked path, so the reading below measures the large body alone.
    expect((await postChunkedUntilAnswered(loginUrl, 2 ** 20)).status).toBe(413);
    const size = 128 * 2 ** 20;
    const before = residentMemory(app.pid);
    const chunked = await postChunkedUntilAnswered(loginUrl, size);
    const after = residentMemory(app.pid);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toEqual({ error: 'The request body is too large.' });
    if (process.env.REPORT_BODY_MEMORY) {
      console.info(
        `Next.js: ${size / 2 ** 20} MiB chunked login body: answered after ${(chunked.bytesSent / 2 ** 20).toFixed(1)} MiB sent; peak RSS ${(before.peak / 2 ** 20).toFixed(1)} -> ${(after.peak / 2 ** 20).toFixed(1)} MiB`,
      );
    }
    // The server stopped reading near the limit, and never held the body.
    expect(chunked.bytesSent).toBeLessThan(size / 4);
    expect(after.peak - before.peak).toBeLessThan(24 * 2 ** 20);
  });
});

describe('the Next.js example (scripts/start.mjs) in Chromium', () => {
  test('signed out: the SDK\u2019s first token request (401) brings the login form, and nothing retries', async () => {
    const { page, close, problems, tokenRequests } = await openPage();
    try {
      await page.locator('#login-view').waitFor({ state: 'visible' });
      await expect(page.locator('h1 .badge').textContent()).resolves.toBe('Next.js');
      await sleep(1_500);
      expect(tokenRequests()).toBe(1);
      await expect(page.locator('#chat-view').count()).resolves.toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  test('alice signs in; the token panel shows the token the route answered, for alice, with her rooms', async () => {
    const { page, close, problems, tokenRequests, tokenBodies } = await openPage();
    try {
      await page.locator('#login-view').waitFor({ state: 'visible' });
      const before = tokenRequests();
      await login(page, 'alice');
      await page.locator('#token-client-id').filter({ hasText: 'alice' }).waitFor();
      expect(tokenRequests()).toBeGreaterThan(before);
      await expect(page.locator('#session-user').textContent()).resolves.toBe('alice');
      await expect(page.locator('#token-key').textContent()).resolves.toBe('devApp.devKey');
      await expect(page.locator('#dev-key-note').isVisible()).resolves.toBe(true);

      const raw = (await page.locator('#token-raw').textContent())!;
      expect(tokenBodies).toContain(raw);
      const { payload } = await verifyAblyJwt(raw, DEV_KEY);
      expect(payload['x-ably-clientId']).toBe('alice');
      const rows = await page.locator('#token-rooms tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          room: (tr as HTMLElement).dataset.room!,
          features: Array.from(tr.querySelectorAll('.chip')).map((chip) => chip.textContent),
          seen: tr.querySelector('td.claim')!.textContent,
        })),
      );
      expect(rows.map((r) => r.room)).toEqual(Object.keys(capabilityOf(payload)));
      expect(rows.map((r) => r.room)).toEqual(['announcements', 'dms:alice:*', 'lobby']);
      expect(rows[0]).toEqual({ room: 'announcements', features: ['receive', 'history', 'occupancy'], seen: 'Alice' });
      expect(rows[1]!.features).toEqual(['send', 'receive', 'history', 'presence', 'typing', 'room-reactions']);
      // Without a real key Ably cannot accept the token: Send stays disabled.
      await expect(page.locator('#send-button').isDisabled()).resolves.toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, 'e2e-nextjs-alice.png'), fullPage: true });

      // A reload keeps the sealed session: the SDK's first token is the answer, with one request.
      const beforeReload = tokenRequests();
      await page.reload();
      await page.locator('#token-client-id').filter({ hasText: 'alice' }).waitFor();
      expect(tokenRequests() - beforeReload).toBe(1);

      await page.click('#logout');
      await page.locator('#login-view').waitFor({ state: 'visible' });
      const after = await page.evaluate(async () => (await fetch('/api/ably-token', { credentials: 'include' })).status);
      expect(after).toBe(401);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  test('banned signs in; the route answers 403 once, the connection fails and the page shows the refusal alone', async () => {
    const { page, close, problems, tokenRequests } = await openPage();
    try {
      await page.locator('#login-view').waitFor({ state: 'visible' });
      const before = tokenRequests();
      await login(page, 'banned');
      await page.locator('#connection-state[data-state="failed"]').waitFor({ state: 'attached' });
      await expect(page.locator('#refusal').textContent()).resolves.toBe(
        'Refused by the token route (403): This user is not allowed to use chat. The Ably client will not retry.' +
          ' Connection failed: Client configured authentication provider returned 403, failing the connection (Ably error 80019, status 403).',
      );
      // Failed for good: over several retry periods the route is not asked again.
      await sleep(2_000);
      expect(tokenRequests() - before).toBe(1);
      for (const absent of ['#chat-grid', '#token-panel', '#send-button', '#chat-pending', '#login-view']) {
        expect([absent, await page.locator(absent).count()]).toEqual([absent, 0]);
      }
      await page.screenshot({ path: join(SCREENSHOTS, 'e2e-nextjs-banned.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  test('an invalid username is refused with the rule, and the page stays on the login form', async () => {
    const { page, close, problems } = await openPage();
    try {
      await login(page, 'Not Valid');
      const error = page.locator('#login-error');
      await error.waitFor({ state: 'visible' });
      await expect(error.textContent()).resolves.toMatch(/1 to 32 characters/);
      await expect(page.locator('#chat-view').count()).resolves.toBe(0);
      // The 400 of the login is the expected answer here.
      expect(problems.filter((p) => !p.endsWith('/login'))).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('the Next.js example\u2019s rate limits through its real server (scripts/start.mjs)', () => {
  const running: RunningApp[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });
  async function started(env: Record<string, string>): Promise<RunningApp> {
    const started = await startApp(env);
    running.push(started);
    return started;
  }
  const loginAs = (url: string, forwarded?: string) =>
    fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(forwarded ? { 'X-Forwarded-For': forwarded } : {}) },
      body: JSON.stringify({ username: 'alice' }),
    });
  const tokenFrom = (url: string, forwarded?: string) => fetch(`${url}/api/ably-token`, forwarded ? { headers: { 'X-Forwarded-For': forwarded } } : {});

  test('TRUST_PROXY_HOPS=0: a client forging X-Forwarded-For, rotated at every request, still hits both limits; the 429s have their shapes and Retry-After', async () => {
    const { url } = await started({ RATE_LIMIT_LOGIN_PER_MIN: '2', RATE_LIMIT_TOKEN_PER_MIN: '3', TRUST_PROXY_HOPS: '0' });
    for (let i = 0; i < 2; i++) expect((await loginAs(url, `198.51.100.${i}`)).status).toBe(200);
    const refused = await loginAs(url, '198.51.100.99');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/^Too many login attempts from your address; try again in \d+ s\.$/) });

    for (let i = 0; i < 3; i++) expect((await tokenFrom(url, `198.51.100.${i}, 10.0.0.${i}`)).status).toBe(401);
    const limited = await tokenFrom(url, '203.0.113.200');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ably-errorcode')).toBe(String(ablyCodeForStatus(429)));
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({
      error: { message: expect.stringMatching(/^Too many token requests/), code: ablyCodeForStatus(429), statusCode: 429 },
    });
  });

  test('TRUST_PROXY_HOPS=1: the entry the proxy appended counts; the client\u2019s own entries left of it do not', async () => {
    // This test is the proxy: the server appends its address (127.0.0.1), and the client's is the entry before it.
    const { url } = await started({ RATE_LIMIT_LOGIN_PER_MIN: '2', TRUST_PROXY_HOPS: '1' });
    for (let i = 0; i < 2; i++) expect((await loginAs(url, `forged-${i}, 203.0.113.5`)).status).toBe(200);
    expect((await loginAs(url, 'forged-x, 203.0.113.5')).status).toBe(429);
    expect((await loginAs(url, '203.0.113.6')).status).toBe(200);
  });

  test('REDIS_URL: two processes share each count; Redis stopped: 503s with Retry-After within 5 s; restarted: both work again', async () => {
    const redis = await RedisServer.start();
    try {
      const env = { REDIS_URL: redis.url, SESSION_SECRET: randomBytes(32).toString('base64url'), RATE_LIMIT_LOGIN_PER_MIN: '3' };
      const [a, b] = await Promise.all([started(env), started(env)]);
      expect(a.output()).toContain('rate-limit counters are kept in Redis');
      const answers: Response[] = [];
      for (const instance of [a, b, a, b]) answers.push(await loginAs(instance.url, `forged-${answers.length}`));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      // The session is the sealed cookie: a login on A is a session on B, with no session store.
      const cookie = answers[0]!.headers.getSetCookie()[0]!.split(';')[0]!;
      const onB = await fetch(`${b.url}/api/ably-token`, { headers: { Cookie: cookie } });
      expect(onB.status).toBe(200);
      expect((await verifyAblyJwt(await onB.text(), DEV_KEY)).payload['x-ably-clientId']).toBe('alice');

      await redis.stop();
      const started503 = Date.now();
      const token = await fetch(`${a.url}/api/ably-token`);
      expect(token.status).toBe(503);
      expect(token.headers.get('x-ably-errorcode')).toBe(String(ablyCodeForStatus(503)));
      expect(token.headers.get('retry-after')).toBe('5');
      const login = await loginAs(b.url);
      expect(login.status).toBe(503);
      expect(login.headers.get('retry-after')).toBe('5');
      expect(await login.json()).toEqual({ error: 'The session store is unavailable; try again in 5 s.' });
      expect(Date.now() - started503).toBeLessThan(5_000);

      await redis.restart();
      const deadline = Date.now() + 5_000;
      let status = 0;
      while (Date.now() < deadline && status !== 401) {
        status = (await fetch(`${a.url}/api/ably-token`)).status;
        if (status !== 401) await sleep(200);
      }
      expect(status).toBe(401);
      expect((await loginAs(b.url, 'after-restart')).status).toBe(200);
    } finally {
      await Promise.all(running.splice(0).map((r) => r.stop()));
      await redis.stop();
    }
  }, 60_000);

  test('startup stops with exit 1 and a message: an unreachable REDIS_URL (within 5 s of the spawn, password hidden), and plain `next start`', async () => {
    const began = Date.now();
    const unreachable = await startApp({ REDIS_URL: 'redis://:hunter2-secret@127.0.0.1:1', SESSION_SECRET: randomBytes(32).toString('base64url') }).then(
      () => 'listening',
      (error: Error) => error.message,
    );
    expect(Date.now() - began).toBeLessThan(3_000 + 2_000);
    expect(unreachable).toMatch(/exited \(1\)/);
    expect(unreachable).toContain('Configuration error: Cannot reach Redis at REDIS_URL=redis://:***@127.0.0.1:1 (connect ECONNREFUSED');
    expect(unreachable).not.toContain('hunter2');
    expect(unreachable).not.toMatch(/Local:/);

    const next = join(APP_DIR, 'node_modules', 'next', 'dist', 'bin', 'next');
    const plain = spawnSync(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', '0'], { cwd: APP_DIR, encoding: 'utf8', timeout: 30_000 });
    expect(plain.status).toBe(1);
    expect(plain.stderr).toContain('Configuration error: start this app with scripts/start.mjs');
  });
});
