import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { decodeAblyToken, explainCapability, userClaimFor, verifyAblyToken } from '@ably-chat-auth/core';
import { DEV_API_KEY, createDemoConfig } from '../examples/shared/src/index';
import { EXAMPLE_APPS, type RunningExample } from './example-apps';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', 'test-output');
const ABLY_STATES = ['initialized', 'connecting', 'connected', 'disconnected', 'suspended', 'failed', 'closing', 'closed'];

let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
});

/** A fresh browser profile on the app, recording what would mean a broken page. */
async function openPage(
  app: RunningExample,
  viewport = { width: 1200, height: 860 },
): Promise<{ context: BrowserContext; page: Page; problems: string[]; tokenRequests: () => number; tokenBodies: string[]; webSockets: () => number }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  let tokenRequests = 0;
  let webSockets = 0;
  const tokenBodies: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  // The token route's answers, read on their way to the page: the client reads its body as a
  // stream, whose bytes DevTools (and so response.text()) does not keep.
  await context.route(`${app.url}/api/ably-token**`, async (route) => {
    const response = await route.fetch();
    const body = await response.text();
    if (response.ok()) tokenBodies.push(body);
    await route.fulfill({ response, body });
  });
  // Every connection the Ably SDK tries opens a WebSocket (to Ably, unreachable from here).
  page.on('websocket', () => (webSockets += 1));
  page.on('request', (request) => {
    if (request.url().startsWith(`${app.url}/api/ably-token`)) tokenRequests += 1;
  });
  page.on('response', (response) => {
    const url = response.url();
    // The token route's 401/403 are expected answers; anything else from the app failing is not.
    if (url.startsWith(app.url) && !url.startsWith(`${app.url}/api/ably-token`) && !url.endsWith('/login') && response.status() >= 400) {
      problems.push(`${response.status()} ${url}`);
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Refused to|Content Security Policy|MIME type/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${app.url}/`);
  return { context, page, problems, tokenRequests: () => tokenRequests, tokenBodies, webSockets: () => webSockets };
}

/** The page's line for the chat session's state, when it shows `value`. */
const status = (page: Page, value: string) => page.locator(`#chat-status[data-status="${value}"]`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function login(page: Page, username: string): Promise<void> {
  await page.locator('#login-view').waitFor({ state: 'visible' });
  await page.fill('#username', username);
  await page.click('#login-form button[type=submit]');
}

describe.each(EXAMPLE_APPS)('the $name example in Chromium', (example) => {
  let app: RunningExample;

  beforeAll(async () => {
    app = await example.start(createDemoConfig({ port: 0 }));
  });
  afterAll(() => app?.close());

  test('signed out: the chat session\u2019s first token request (401) is the only one and brings "sign in to chat" and the login form; nothing retries', async () => {
    const { context, page, problems, tokenRequests, webSockets } = await openPage(app);
    try {
      await page.locator('#login-view').waitFor({ state: 'visible' });
      await expect(page.locator('#chat-status').getAttribute('data-status')).resolves.toBe('signed-out');
      await expect(page.locator('#chat-status').textContent()).resolves.toBe('Sign in to chat.');
      await expect(page.locator('#login-view h2').textContent()).resolves.toBe('Sign in to chat');
      await sleep(1_500);
      expect(tokenRequests()).toBe(1);
      // Signed out, the session opens no connection to Ably.
      expect(webSockets()).toBe(0);
      await expect(page.locator('#chat-view').isHidden()).resolves.toBe(true);
      await expect(page.locator('#login-error').isHidden()).resolves.toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('alice signs in; the chat session fetches her token, connects as her, and the page shows her rooms and features', async () => {
    const { context, page, problems, tokenRequests, tokenBodies } = await openPage(app);
    try {
      await expect(page.locator('h1 .badge').textContent()).resolves.toBe(example.framework);
      await page.locator('#login-view').waitFor({ state: 'visible' });
      const requestsBeforeLogin = tokenRequests();
      await login(page, 'alice');

      await page.locator('#token-client-id').filter({ hasText: 'alice' }).waitFor();
      expect(tokenRequests()).toBeGreaterThan(requestsBeforeLogin);
      await expect(page.locator('#chat-grid').isVisible()).resolves.toBe(true);
      await expect(page.locator('#chat-pending').isHidden()).resolves.toBe(true);
      await expect(page.locator('#token-fetched').textContent()).resolves.toContain('by the chat session');
      await expect(page.locator('#session-user').textContent()).resolves.toBe('alice');
      await expect(page.locator('#token-key').textContent()).resolves.toBe('devApp.devKey');
      await expect(page.locator('#dev-key-note').isVisible()).resolves.toBe(true);
      await expect(page.locator('#token-expiry').textContent()).resolves.toMatch(/\(in (59|60) min \d+ s; the SDK renews it before then\)/);

      // The token the page shows is a valid Ably JWT for alice, and the page's feature table
      // (computed in the browser) matches core's reading of the same capability.
      const raw = (await page.locator('#token-raw').textContent())!;
      // The token the page holds is exactly what the token route answered.
      expect(tokenBodies).toContain(raw);
      const verified = await verifyAblyToken(raw, DEV_API_KEY);
      expect(verified.clientId).toBe('alice');
      const rows = await page.locator('#token-rooms tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          room: (tr as HTMLElement).dataset.room!,
          features: Array.from(tr.querySelectorAll('.chip')).map((chip) => chip.textContent),
        })),
      );
      expect(rows.map((r) => r.room)).toEqual(['announcements', 'dms:alice:*', 'lobby']);
      const expected = explainCapability(decodeAblyToken(raw).capability);
      for (const row of rows) expect(row.features).toEqual(expected[row.room]!.features);
      expect(rows.find((r) => r.room === 'announcements')!.features).toEqual(['receive', 'history', 'occupancy']);

      // "What others see about you": the user claim that applies in each room, read from the token.
      const seen = await page.locator('#token-rooms tr').evaluateAll((trs) => trs.map((tr) => tr.querySelector('td.claim')!.textContent));
      expect(seen).toEqual(['Alice', 'Alice', 'Alice']);
      expect(verified.userClaims).toEqual({ '*': '{"display_name":"Alice"}' });

      // Without a real key (and, here, without Ably) the connection cannot open: the session is
      // connecting as alice (ably-js retries) or failed with Ably's reason, and the page says which.
      // (e2e/chat-session.e2e.test.ts takes the same page to `connected`, and to Ably's refusal.)
      const state = await page.locator('#connection-state').getAttribute('data-state');
      expect(ABLY_STATES).toContain(state);
      const session = await page.locator('#chat-status').getAttribute('data-status');
      const line = await page.locator('#chat-status').textContent();
      expect([session, line]).toEqual(
        session === 'failed' ? ['failed', expect.stringMatching(/^Chat failed: .+/)] : ['connecting', 'Connecting as alice\u2026'],
      );
      await expect(page.locator('#login-view').isHidden()).resolves.toBe(true);
      // The dev key's token never attaches the room, so Send stays disabled, and looks it (grey, not the accent colour).
      await expect(page.locator('#send-button').isDisabled()).resolves.toBe(true);
      const look = await page.locator('#send-button').evaluate((b) => getComputedStyle(b).backgroundColor);
      expect(look).toBe('rgb(234, 236, 240)');

      await page.screenshot({ path: join(SCREENSHOTS, `e2e-${example.name}-alice.png`), fullPage: true });

      // A reload keeps the session: the SDK's first token is the answer, with no extra request.
      const beforeReload = tokenRequests();
      await page.reload();
      await page.locator('#token-client-id').filter({ hasText: 'alice' }).waitFor();
      expect(tokenRequests() - beforeReload).toBe(1);

      await page.click('#logout');
      await page.locator('#login-view').waitFor({ state: 'visible' });
      await expect(page.locator('#chat-status').textContent()).resolves.toBe('Sign in to chat.');
      await expect(page.locator('#login-error').isHidden()).resolves.toBe(true);
      await expect(page.locator('#token-details').isHidden()).resolves.toBe(true);
      const after = await page.evaluate(async () => (await fetch('/api/ably-token', { credentials: 'include' })).status);
      expect(after).toBe(401);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('admin signs in; the token panel shows the moderator claim in announcements, and the page reads claims as core does', async () => {
    const { context, page, problems } = await openPage(app);
    try {
      await page.locator('#login-view').waitFor({ state: 'visible' });
      await login(page, 'admin');
      await page.locator('#token-client-id').filter({ hasText: 'admin' }).waitFor();
      const rows = await page.locator('#token-rooms tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          room: (tr as HTMLElement).dataset.room!,
          seen: tr.querySelector('td.claim')!.textContent,
          pattern: (tr.querySelector('td.claim') as HTMLElement).dataset.pattern,
        })),
      );
      expect(rows).toEqual([
        { room: 'announcements', seen: 'Admin \u00b7 moderator', pattern: 'announcements' },
        { room: 'dms:admin:*', seen: 'Admin', pattern: '*' },
        { room: 'lobby', seen: 'Admin', pattern: '*' },
      ]);
      // The page's reading of claims agrees with core's userClaimFor on overlapping patterns.
      const claims = { '*': 'all', 'support:*': 'support', 'support:vip:*': 'vip', 'support:vip:1': 'one', 'team:*:general': 'general', 'team:*': 'team' };
      const roomNames = ['lobby', 'support:2', 'support:vip:3', 'support:vip:1', 'team:red:general', 'team:red:x', 'team'];
      const inPage = await page.evaluate(
        ({ c, r }) =>
          r.map((name) => (window as unknown as { chatPageClaims: { userClaimFor(u: object, room: string): unknown } }).chatPageClaims.userClaimFor(c, name)),
        { c: claims, r: roomNames },
      );
      expect(inPage).toEqual(roomNames.map((name) => userClaimFor({ userClaims: claims }, name) ?? null));
      // Messages show the sender's server-signed display name, else the clientId.
      const names = await page.evaluate(() => {
        const read = (window as unknown as { chatPageClaims: { senderName: (m: object) => string } }).chatPageClaims.senderName;
        return [read({ clientId: 'bob', userClaim: '{"display_name":"Bob"}' }), read({ clientId: 'carol' }), read({ clientId: 'dan', userClaim: 'not json' })];
      });
      expect(names).toEqual(['Bob', 'carol', 'dan']);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test.each([1200, 375])('at %i px wide, nothing overflows its card or the page (admin, the longest token table)', async (width) => {
    const { context, page, problems } = await openPage(app, { width, height: 860 });
    try {
      await login(page, 'admin');
      await page.locator('#token-client-id').filter({ hasText: 'admin' }).waitFor();
      // Measured in the browser: a card whose content is wider than its box (scrollWidth past
      // clientWidth), an element of a card that reaches past the card's edges, and the page itself.
      const overflows = await page.evaluate(() => {
        const found: string[] = [];
        const name = (el: Element): string =>
          `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}`;
        const root = document.documentElement;
        if (root.scrollWidth > root.clientWidth) found.push(`page: scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}`);
        for (const card of Array.from(document.querySelectorAll('.card'))) {
          const box = card.getBoundingClientRect();
          if (box.width === 0) continue; // hidden
          if (card.scrollWidth > card.clientWidth) found.push(`${name(card)}: scrollWidth ${card.scrollWidth} > clientWidth ${card.clientWidth}`);
          for (const el of Array.from(card.querySelectorAll('*'))) {
            const rect = el.getBoundingClientRect();
            if (rect.width === 0 && rect.height === 0) continue;
            if (rect.right > box.right + 0.5 || rect.left < box.left - 0.5)
              found.push(`${name(el)} in ${name(card)}: ${rect.left}-${rect.right} outside ${box.left}-${box.right}`);
          }
        }
        return found;
      });
      await page.screenshot({ path: join(SCREENSHOTS, `${example.name}-admin-${width}px.png`), fullPage: true });
      expect(overflows).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('banned signs in; the token route refuses with 403: "you may not chat", one request, no connection to Ably, and the refusal alone', async () => {
    const { context, page, problems, tokenRequests, webSockets } = await openPage(app);
    const forbidden = 'You may not chat: This user is not allowed to use chat (the token route answered 403; nothing is retried).';
    try {
      await page.locator('#login-view').waitFor({ state: 'visible' });
      const requestsBeforeLogin = tokenRequests();
      await login(page, 'banned');
      await status(page, 'forbidden').waitFor();
      await expect(page.locator('#chat-status').textContent()).resolves.toBe(forbidden);
      // Refused for good: in a window several retry periods long, the route is not asked again,
      // and the session never built an Ably client, so nothing tried to connect.
      await sleep(2_000);
      expect(tokenRequests() - requestsBeforeLogin).toBe(1);
      expect(webSockets()).toBe(0);
      // The refusal alone: no room, no presence card, no Send button, no "getting your token".
      for (const hidden of ['#chat-grid', '#messages', '#presence', '#send-button', '#token-panel', '#chat-pending', '#login-view']) {
        expect([hidden, await page.locator(hidden).isVisible()]).toEqual([hidden, false]);
      }
      await expect(page.locator('#session-user').textContent()).resolves.toBe('banned');
      await page.screenshot({ path: join(SCREENSHOTS, `e2e-${example.name}-banned.png`), fullPage: true });

      // A reload: the same single request, the same refusal.
      const beforeReload = tokenRequests();
      await page.reload();
      await status(page, 'forbidden').waitFor();
      await sleep(1_000);
      expect(tokenRequests() - beforeReload).toBe(1);
      expect(webSockets()).toBe(0);
      await expect(page.locator('#chat-status').textContent()).resolves.toBe(forbidden);
      await expect(page.locator('#chat-grid').isVisible()).resolves.toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('an invalid username is refused with the rule, and the page stays on the login form', async () => {
    const { context, page, problems } = await openPage(app);
    try {
      await login(page, 'Not Valid');
      const error = page.locator('#login-error');
      await error.waitFor({ state: 'visible' });
      await expect(error.textContent()).resolves.toMatch(/1 to 32 characters/);
      await expect(page.locator('#chat-view').isHidden()).resolves.toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, `e2e-${example.name}-login-error.png`), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
