/* Cross-site token requests in a real browser: a page on one site (http://localhost:<port>) asks a
 * token route on another (http://127.0.0.1:<port>), so Chromium applies Fetch Metadata and CORS
 * (preflight included) exactly as it would for another website. */
import { expect } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { jwtVerify } from 'jose';
import { chromium, type Browser } from 'playwright-core';
import { createTokenRoute } from '@ably-chat-auth/core';
import { writeTokenRouteResponse } from '@ably-chat-auth/core/adapter';
import { listenOnLoopback } from '@ably-chat-auth/adapter-contract/testing';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SECRET = 'cross-site-e2e-secret-0123456789';
const KEY = `e2eApp.e2eKey:${SECRET}`;

let browser: Browser;
const servers: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.close()));
});

interface Seen {
  method: string;
  site: string | undefined;
}

/** A token route on 127.0.0.1 whose user comes from `Authorization: Bearer <id>` (a header that needs a preflight). */
async function startTokenRoute(allowedOrigins?: string[]): Promise<{ url: string; seen: Seen[]; answered: number[]; resolved: () => number }> {
  const seen: Seen[] = [];
  const answered: number[] = [];
  let resolved = 0;
  const route = createTokenRoute<{ id: string }, IncomingMessage>({
    apiKey: KEY,
    logger: false,
    ...(allowedOrigins ? { allowedOrigins } : {}),
    resolveUser: (req) => {
      resolved += 1;
      const id = /^Bearer (\w+)$/.exec(req.headers.authorization ?? '')?.[1];
      return id ? { id } : null;
    },
    policy: { lobby: 'all' },
  });
  const server = createServer((req, res) => {
    const site = req.headers['sec-fetch-site'];
    seen.push({ method: req.method ?? '', site: typeof site === 'string' ? site : site?.[0] });
    void route.handle({ method: req.method ?? '', headers: req.headers, native: req }).then((answer) => {
      answered.push(answer.status);
      writeTokenRouteResponse(res, answer);
    });
  });
  const running = await listenOnLoopback(server);
  servers.push(running);
  return { url: `${running.baseUrl}/api/ably-token`, seen, answered, resolved: () => resolved };
}

/** A blank page served from http://localhost:<port>: another site than 127.0.0.1. */
async function startPageSite(): Promise<string> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>other site</title><p>other site</p>');
  });
  const running = await listenOnLoopback(server);
  servers.push(running);
  return running.baseUrl.replace('127.0.0.1', 'localhost');
}

type FetchOutcome = { ok: true; status: number; body: string } | { ok: false; error: string };

async function fetchFromPage(pageUrl: string, tokenUrl: string, withBearer: boolean): Promise<FetchOutcome> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(pageUrl);
    return await page.evaluate(
      async ({ url, bearer }) => {
        try {
          const response = await fetch(url, { credentials: 'include', headers: bearer ? { Authorization: 'Bearer alice' } : {} });
          return { ok: true as const, status: response.status, body: await response.text() };
        } catch (error) {
          return { ok: false as const, error: String(error) };
        }
      },
      { url: tokenUrl, bearer: withBearer },
    );
  } finally {
    await context.close();
  }
}

describe('cross-site token requests in Chromium', () => {
  it('an allowed origin passes the preflight and reads a token for its user', async () => {
    const pageUrl = await startPageSite();
    const route = await startTokenRoute([pageUrl]);
    const outcome = await fetchFromPage(pageUrl, route.url, true);
    expect(outcome).toEqual({ ok: true, status: 200, body: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
    const { payload } = await jwtVerify((outcome as { body: string }).body, new TextEncoder().encode(SECRET));
    expect(payload['x-ably-clientId']).toBe('alice');
    // The browser sent the preflight itself, then the GET, both marked cross-site.
    expect(route.seen).toEqual([
      { method: 'OPTIONS', site: 'cross-site' },
      { method: 'GET', site: 'cross-site' },
    ]);
    expect(route.answered).toEqual([204, 200]);
  });

  it('any other site gets nothing: the preflight fails, and a simple GET is refused with 403 the page cannot read', async () => {
    const pageUrl = await startPageSite();
    const route = await startTokenRoute(['https://app.example.test']);
    const preflighted = await fetchFromPage(pageUrl, route.url, true);
    expect(preflighted).toEqual({ ok: false, error: expect.stringContaining('Failed to fetch') });
    expect(route.seen).toEqual([{ method: 'OPTIONS', site: 'cross-site' }]);
    expect(route.answered).toEqual([405]);

    const simple = await fetchFromPage(pageUrl, route.url, false);
    expect(simple).toEqual({ ok: false, error: expect.stringContaining('Failed to fetch') });
    expect(route.seen.at(-1)).toEqual({ method: 'GET', site: 'cross-site' });
    expect(route.answered).toEqual([405, 403]);
    expect(route.resolved()).toBe(0);
  });

  it('without allowedOrigins, a cross-site GET is answered 403 before the user is even resolved', async () => {
    const pageUrl = await startPageSite();
    const route = await startTokenRoute();
    const outcome = await fetchFromPage(pageUrl, route.url, false);
    expect(outcome.ok).toBe(false);
    expect(route.seen).toEqual([{ method: 'GET', site: 'cross-site' }]);
    expect(route.answered).toEqual([403]);
    expect(route.resolved()).toBe(0);
  });
});
