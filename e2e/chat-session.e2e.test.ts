import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startAblyStandIn, type AblyStandIn } from '@ably-chat-auth/ably-stand-in';
import { DEV_API_KEY, createDemoConfig } from '../examples/shared/src/index';
import { EXAMPLE_APPS, type RunningExample } from './example-apps';

// The demo page's chat session, all the way to a connection: no machine here reaches Ably, so the
// page is pointed at the local stand-in for Ably's realtime servers (packages/ably-stand-in, test
// only) through its test-only global `chatPageRealtimeOptions`. Everything else is real: the
// Express example, its token route and session cookie, the page, and ably + @ably/chat in Chromium.
// The page is the same for every example, so one example carries these flows.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', 'test-output');
const express = EXAMPLE_APPS.find((example) => example.name === 'express')!;

let browser: Browser;
let app: RunningExample;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  app = await express.start(createDemoConfig({ port: 0 }));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

interface OpenedPage {
  context: BrowserContext;
  page: Page;
  problems: string[];
  /** Every `data-status: text` the page's status line showed, in order. */
  statuses: () => Promise<string[]>;
  tokenRequests: () => number;
}

/** The page of `on` in a fresh profile, its Ably client pointed at `ably`. */
async function openPage(ably: AblyStandIn, on: RunningExample = app): Promise<OpenedPage> {
  // The page's CSP lets the SDK reach Ably over https: and wss: only; the stand-in is plain ws: on loopback.
  const context = await browser.newContext({ viewport: { width: 1200, height: 860 }, bypassCSP: true });
  await context.addInitScript({ content: `window.chatPageRealtimeOptions = ${JSON.stringify(ably.clientOptions)};` });
  // Records the status line from the moment the HTML is parsed, before the page's script runs.
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { chatStatuses: string[] }).chatStatuses = seen;
    new MutationObserver(() => {
      const el = document.getElementById('chat-status');
      const entry = el && `${el.dataset.status}: ${el.textContent}`;
      if (entry && seen.at(-1) !== entry) seen.push(entry);
    }).observe(document, { attributes: true, childList: true, characterData: true, subtree: true });
  });
  const page = await context.newPage();
  const problems: string[] = [];
  let tokenRequests = 0;
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    if (request.url().startsWith(`${on.url}/api/ably-token`)) tokenRequests += 1;
  });
  await page.goto(`${on.url}/`);
  return {
    context,
    page,
    problems,
    statuses: () => page.evaluate(() => (window as unknown as { chatStatuses: string[] }).chatStatuses),
    tokenRequests: () => tokenRequests,
  };
}

/** What the status line says until the session's first answer. */
const CHECKING = 'checking: Checking your session\u2026';
const status = (page: Page, value: string) => page.locator(`#chat-status[data-status="${value}"]`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) until the stand-in holds exactly `count` open connections. */
async function openConnections(ably: AblyStandIn, count: number): Promise<void> {
  for (let i = 0; i < 100 && ably.connections().filter((c) => c.open).length !== count; i++) await sleep(50);
}

describe('the chat page on the Ably stand-in (Express example, Chromium)', () => {
  let ably: AblyStandIn;

  beforeAll(async () => {
    // The stand-in knows the demo's development key, as Ably would know a real one.
    ably = await startAblyStandIn({ apiKey: DEV_API_KEY });
  });
  afterAll(() => ably?.close());

  test('signed out, then connected as alice, then a switch to admin: one new connection, alice\u2019s closed, no 40102; a reload; then signed out again', async () => {
    const { context, page, problems, statuses, tokenRequests } = await openPage(ably);
    try {
      await status(page, 'signed-out').waitFor();
      await expect(page.locator('#chat-status').textContent()).resolves.toBe('Sign in to chat.');
      await expect(page.locator('#login-view').isVisible()).resolves.toBe(true);
      expect(ably.connections()).toEqual([]);

      await page.fill('#username', 'alice');
      await page.click('#login-form button[type=submit]');
      await status(page, 'connected').waitFor({ timeout: 15_000 });
      await expect(page.locator('#chat-status').textContent()).resolves.toBe('Connected as alice.');
      await expect(page.locator('#session-user').textContent()).resolves.toBe('alice');
      await expect(page.locator('#connection-state').getAttribute('data-state')).resolves.toBe('connected');
      await expect(page.locator('#token-client-id').textContent()).resolves.toBe('alice');
      expect(ably.connections().map((c) => [c.clientId, c.open])).toEqual([['alice', true]]);
      // The page opened the room on that connection: the stand-in saw lobby's chat channel attached.
      for (let i = 0; i < 100 && !ably.events.some((e) => e.type === 'attached'); i++) await sleep(50);
      const alice = ably.connections()[0]!.id;
      expect(ably.events).toContainEqual({ type: 'attached', connectionId: alice, channel: 'lobby::$chat' });
      // The stand-in models no REST API, so the room's history cannot load: the page says so, after the attach.
      await page.locator('#page-error').waitFor({ state: 'visible' });
      await expect(page.locator('#page-error').textContent()).resolves.toMatch(/^Could not load the room\u2019s history: /);
      await page.screenshot({ path: join(SCREENSHOTS, 'e2e-stand-in-alice-connected.png'), fullPage: true });

      // Log in as another user from the chat view: the session builds one connection for admin and closes alice's.
      const beforeSwitch = tokenRequests();
      await page.fill('#switch-username', 'admin');
      await page.click('#switch-form button[type=submit]');
      await page.locator('#chat-status', { hasText: 'Connected as admin.' }).waitFor({ timeout: 15_000 });
      await openConnections(ably, 1);
      expect(ably.connections().map((c) => [c.clientId, c.open])).toEqual([
        ['alice', false],
        ['admin', true],
      ]);
      // One token for the switch, handed to the new connection (no second request).
      expect(tokenRequests() - beforeSwitch).toBe(1);
      await expect(page.locator('#session-user').textContent()).resolves.toBe('admin');
      await expect(page.locator('#token-client-id').textContent()).resolves.toBe('admin');
      for (let i = 0; i < 100 && ably.events.filter((e) => e.type === 'attached').length < 2; i++) await sleep(50);
      expect(ably.events).toContainEqual({ type: 'attached', connectionId: ably.connections()[1]!.id, channel: 'lobby::$chat' });
      // No connection was ever asked to become someone else.
      expect(ably.events.filter((e) => 'code' in e)).toEqual([]);
      await expect(page.locator('#page-error').textContent()).resolves.not.toMatch(/40102/);

      expect(await statuses()).toEqual([
        CHECKING,
        'signed-out: Sign in to chat.',
        'connecting: Connecting as alice\u2026',
        'connected: Connected as alice.',
        'connecting: Connecting as admin\u2026',
        'connected: Connected as admin.',
      ]);

      // A reload: one token request, one new connection (the page's old one went with the page),
      // and no "sign in to chat" flashed before the answer: the page waits for the session's first one.
      const beforeReload = tokenRequests();
      await page.reload();
      await page.locator('#chat-status', { hasText: 'Connected as admin.' }).waitFor({ timeout: 15_000 });
      await openConnections(ably, 1);
      expect(tokenRequests() - beforeReload).toBe(1);
      expect(ably.connections().map((c) => [c.clientId, c.open])).toEqual([
        ['alice', false],
        ['admin', false],
        ['admin', true],
      ]);

      await page.click('#logout');
      await status(page, 'signed-out').waitFor({ timeout: 10_000 });
      await openConnections(ably, 0);
      expect(ably.connections().filter((c) => c.open)).toEqual([]);
      await expect(page.locator('#login-view').isVisible()).resolves.toBe(true);
      await expect(page.locator('#login-error').isHidden()).resolves.toBe(true);
      expect(await statuses()).toEqual([CHECKING, 'connecting: Connecting as admin\u2026', 'connected: Connected as admin.', 'signed-out: Sign in to chat.']);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('banned: forbidden, with no connection to Ably at all and one request to the route', async () => {
    const { context, page, problems, statuses, tokenRequests } = await openPage(ably);
    const before = ably.connections().length;
    try {
      await status(page, 'signed-out').waitFor();
      const requestsBeforeLogin = tokenRequests();
      await page.fill('#username', 'banned');
      await page.click('#login-form button[type=submit]');
      await status(page, 'forbidden').waitFor({ timeout: 10_000 });
      await sleep(1_000);
      expect(tokenRequests() - requestsBeforeLogin).toBe(1);
      expect(ably.connections().length).toBe(before);
      expect(await statuses()).toEqual([
        CHECKING,
        'signed-out: Sign in to chat.',
        'forbidden: You may not chat: This user is not allowed to use chat (the token route answered 403; nothing is retried).',
      ]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the chat page when Ably refuses the key (a stand-in that does not know the demo key)', () => {
  let ably: AblyStandIn;

  beforeAll(async () => {
    // As Ably treats the embedded development key: tokens signed with it name a key it does not have.
    ably = await startAblyStandIn({ apiKey: 'otherApp.otherKey:a-secret-the-demo-does-not-have' });
  });
  afterAll(() => ably?.close());

  test('alice: connecting, then failed with Ably\u2019s reason; the token panel still shows what her token allows', async () => {
    const { context, page, problems, statuses } = await openPage(ably);
    try {
      await status(page, 'signed-out').waitFor();
      await page.fill('#username', 'alice');
      await page.click('#login-form button[type=submit]');
      await status(page, 'failed').waitFor({ timeout: 15_000 });
      await expect(page.locator('#chat-status').textContent()).resolves.toMatch(
        /^Chat failed: No key named in kid matches this app .*\(Ably error 40101, status 401\)\.$/,
      );
      await expect(page.locator('#token-client-id').textContent()).resolves.toBe('alice');
      await expect(page.locator('#dev-key-note').isVisible()).resolves.toBe(true);
      await expect(page.locator('#token-rooms tr').count()).resolves.toBe(3);
      await expect(page.locator('#send-button').isDisabled()).resolves.toBe(true);
      await expect(page.locator('#session-user').textContent()).resolves.toBe('alice');
      expect(ably.events.filter((e) => e.type === 'refused').map((e) => 'code' in e && e.code)).toEqual([40101]);
      expect((await statuses()).map((s) => s.split(':')[0])).toEqual(['checking', 'signed-out', 'connecting', 'failed']);
      await page.screenshot({ path: join(SCREENSHOTS, 'e2e-stand-in-alice-failed.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the chat page when the token route fails (a token rate limit of 1 a minute)', () => {
  let ably: AblyStandIn;
  let limited: RunningExample;

  beforeAll(async () => {
    ably = await startAblyStandIn({ apiKey: DEV_API_KEY });
    limited = await express.start(createDemoConfig({ port: 0, tokenRateLimitPerMinute: 1 }));
  });
  afterAll(async () => {
    await limited?.close();
    await ably?.close();
  });

  test('alice signs in, the route answers 429: failed with the route\u2019s reason, no connection, no token panel', async () => {
    const { context, page, problems, statuses, tokenRequests } = await openPage(ably, limited);
    try {
      // The page's first request (401) used the minute's one token request.
      await status(page, 'signed-out').waitFor();
      await page.fill('#username', 'alice');
      await page.click('#login-form button[type=submit]');
      await status(page, 'failed').waitFor({ timeout: 10_000 });
      await expect(page.locator('#chat-status').textContent()).resolves.toMatch(
        /^Chat failed: Too many token requests; try again in \d+ s \(Ably error \d+, status 429\)\.$/,
      );
      await expect(page.locator('#session-user').textContent()).resolves.toBe('alice');
      await expect(page.locator('#chat-grid').isVisible()).resolves.toBe(false);
      await expect(page.locator('#login-view').isVisible()).resolves.toBe(false);
      expect(tokenRequests()).toBe(2);
      expect(ably.connections()).toEqual([]);
      expect(await statuses()).toEqual([CHECKING, 'signed-out: Sign in to chat.', expect.stringMatching(/^failed: Chat failed: Too many token requests/)]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
