import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createFetchTokenRoute } from '@ably-chat-auth/core/fetch';
import { startAblyStandIn, type AblyStandIn } from '@ably-chat-auth/ably-stand-in';
import { TEST_KEY } from '../session/support';

// Real Chromium renders the React hook's states; the page's session talks to core's token route
// (same origin, a cookie is the session) and to the Ably stand-in on another port.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const GRANTS: Record<string, { lobby: 'all' } | null> = { alice: { lobby: 'all' }, bob: { lobby: 'all' }, carol: null };

let browser: Browser;
let ably: AblyStandIn;
let server: Server;
let origin: string;

beforeAll(async () => {
  ably = await startAblyStandIn({ apiKey: TEST_KEY });
  const bundle = await build({
    entryPoints: [join(__dirname, 'page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const userOf = (cookie: string | null) => /(?:^|;\s*)user=(\w+)/.exec(cookie ?? '')?.[1];
  const route = createFetchTokenRoute<{ id: string }>({
    apiKey: TEST_KEY,
    ttl: '1h',
    logger: false,
    resolveUser: (request) => {
      const id = userOf(request.headers.get('cookie'));
      return id && id in GRANTS ? { id } : null;
    },
    policy: (user) => GRANTS[user.id] ?? null,
  });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end(
        `<!doctype html><div id="root"></div><script>window.standIn=${JSON.stringify(ably.clientOptions)}</script><script src="/page.js"></script>`,
      );
    }
    if (url.pathname === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (url.pathname === '/login') return void res.writeHead(204, { 'set-cookie': `user=${url.searchParams.get('user')}; Path=/; SameSite=Lax` }).end();
    if (url.pathname === '/logout') return void res.writeHead(204, { 'set-cookie': 'user=; Path=/; Max-Age=0' }).end();
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    void route(new Request(`http://127.0.0.1${req.url ?? '/'}`, { method: req.method, headers })).then(async (response) => {
      const out: Record<string, string> = {};
      response.headers.forEach((value, name) => (out[name] = value));
      res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await ably?.close();
});

/** Signs in as `user` (or out) through the page's own fetch, then tells the session. */
async function as(page: Page, user: string | undefined): Promise<void> {
  await page.evaluate(async (who) => {
    const session = (window as unknown as { chatSession: { signedIn(): Promise<unknown>; signedOut(): Promise<unknown> } }).chatSession;
    await fetch(who ? `/login?user=${who}` : '/logout');
    await (who ? session.signedIn() : session.signedOut());
  }, user);
}

const status = (page: Page) => page.locator('#status');

test('the hook renders checking, signed-out, connected (alice, then bob on a new connection), forbidden and signed-out again', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(origin);
    await expect(status(page).textContent({ timeout: 10_000 })).resolves.toBe('Sign in to chat');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Sign in to chat');

    await as(page, 'alice');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Chatting as alice (chat client alice)', undefined, {
      timeout: 10_000,
    });

    await as(page, 'bob');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Chatting as bob (chat client bob)', undefined, { timeout: 10_000 });
    for (let i = 0; i < 50 && ably.connections().filter((c) => c.open).length !== 1; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ably.connections().map((c) => [c.clientId, c.open])).toEqual([
      ['alice', false],
      ['bob', true],
    ]);

    await as(page, 'carol');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'You may not chat', undefined, { timeout: 10_000 });

    await as(page, undefined);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Sign in to chat', undefined, { timeout: 10_000 });

    const rendered = await page.evaluate(() => (window as unknown as { rendered: string[] }).rendered);
    expect(rendered).toEqual(['checking', 'signed-out', 'connecting', 'connected:alice', 'connecting', 'connected:bob', 'forbidden', 'signed-out']);
    expect(ably.events.some((e) => 'code' in e && e.code === 40102)).toBe(false);
    expect(errors).toEqual([]);
  } finally {
    await page.close();
  }
}, 60_000);
