/* The Next.js example in Chromium: its own page (a React client component over
 * @ably-chat-auth/client, `ably` and `@ably/chat`), built once with `next build` and run with
 * `next start` as a child process, as a user would run it. The shared page's suite
 * (chat-page.e2e.test.ts) does not apply: this page is not the shared one. */
import { expect } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { capabilityOf, testKey, verifyAblyJwt } from '@ably-chat-auth/adapter-contract/testing';
import { DEV_API_KEY } from '../examples/shared/src/config';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const APP_DIR = join(__dirname, '..', 'examples', 'nextjs');
const SCREENSHOTS = join(__dirname, '..', 'test-output');
const [devKeyName, devSecret] = DEV_API_KEY.split(':') as [string, string];
const DEV_KEY = testKey(devKeyName, devSecret);

let browser: Browser;
let server: ChildProcess | undefined;
let baseUrl: string;
let serverOutput = '';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers 200; rejects with what the server printed if it does not within `ms`. */
async function waitForServer(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (server?.exitCode !== null) throw new Error(`next start exited (${server?.exitCode}):\n${serverOutput}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`next start did not answer at ${url} within ${ms} ms:\n${serverOutput}`);
}

beforeAll(async () => {
  // Builds unless nothing the build reads changed since the last one (the script checks); needs the packages' dist.
  const build = spawnSync(process.execPath, [join(APP_DIR, 'scripts', 'build.mjs')], { cwd: APP_DIR, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);

  // PORT=0: the start script picks a free port (next start cannot listen on 0) and next prints it.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', SESSION_SECRET: randomBytes(32).toString('base64url') };
  delete env.ABLY_API_KEY;
  delete env.NODE_OPTIONS;
  server = spawn(process.execPath, [join(APP_DIR, 'scripts', 'start.mjs')], { cwd: APP_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      serverOutput += chunk.toString('utf8');
      const url = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(serverOutput)?.[1];
      if (url) resolve(url);
    };
    server!.stdout!.on('data', onData);
    server!.stderr!.on('data', onData);
    server!.once('exit', (code) => reject(new Error(`next start exited (${code}):\n${serverOutput}`)));
  });
  baseUrl = await listening;
  await waitForServer(`${baseUrl}/`, 30_000);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
});

/** A fresh browser profile on the app, counting token requests and recording uncaught errors. */
async function openPage(): Promise<{ page: Page; close: () => Promise<void>; problems: string[]; tokenRequests: () => number; tokenBodies: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 860 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const tokenBodies: string[] = [];
  let tokenRequests = 0;
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    if (request.url().startsWith(`${baseUrl}/api/ably-token`)) tokenRequests += 1;
  });
  page.on('response', (response) => {
    const url = response.url();
    if (url.startsWith(`${baseUrl}/api/ably-token`) && response.ok())
      void response.text().then(
        (body) => tokenBodies.push(body),
        () => {},
      );
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

describe('the Next.js example (next start) in Chromium', () => {
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
