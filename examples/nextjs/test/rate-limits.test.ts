import { describe, expect, test } from '@jest/globals';
import { ablyCodeForStatus } from '@ably-chat-auth/core/adapter';
import { expectAblyError, readResponse } from '@ably-chat-auth/adapter-contract/testing';
// First: the small limits and TRUST_PROXY_HOPS=0, before the route modules read the config.
import { LOGIN_LIMIT, TOKEN_LIMIT } from './limits-env';
import * as token from '../app/api/ably-token/route';
import { POST as login } from '../app/login/route';
import { clientAddress, UNKNOWN_CLIENT } from '../lib/client-address';

const ORIGIN = 'http://127.0.0.1:3000';

/**
 * A request as the route handlers get it from scripts/start.mjs: `forwarded` is what the client
 * (or its proxies) sent, and the start script appended the TCP peer's address, `peer`.
 */
function fromPeer(path: string, peer: string, forwarded?: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  headers.set('x-forwarded-for', forwarded === undefined ? peer : `${forwarded}, ${peer}`);
  return new Request(`${ORIGIN}${path}`, { ...init, headers });
}

function loginFrom(peer: string, forwarded?: string): Request {
  return fromPeer('/login', peer, forwarded, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'alice' }) });
}

function retryAfterOf(response: { headers: Headers }): number {
  const value = Number(response.headers.get('retry-after'));
  expect(value).toBeGreaterThanOrEqual(1);
  expect(value).toBeLessThanOrEqual(60);
  return value;
}

describe('clientAddress: TRUST_PROXY_HOPS over the X-Forwarded-For the start script appended the peer to', () => {
  const headers = new Headers({ 'x-forwarded-for': 'forged-by-client, 203.0.113.7, 10.0.0.2 , 127.0.0.1' });
  test('0 hops: the TCP peer (the rightmost entry, the start script\u2019s); n hops: n entries further left', () => {
    expect(clientAddress(headers, 0)).toBe('127.0.0.1');
    expect(clientAddress(headers, 1)).toBe('10.0.0.2');
    expect(clientAddress(headers, 2)).toBe('203.0.113.7');
  });
  test('more hops than entries: the leftmost one (Express\u2019s rule); no header at all: one shared "unknown" address', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': '198.51.100.1, 127.0.0.1' }), 5)).toBe('198.51.100.1');
    expect(clientAddress(new Headers(), 0)).toBe(UNKNOWN_CLIENT);
    expect(clientAddress(new Headers({ 'x-forwarded-for': ' , ' }), 0)).toBe(UNKNOWN_CLIENT);
  });
});

describe('rate limits in memory (rate-limiter-flexible), per client address', () => {
  test(`POST /login: ${LOGIN_LIMIT} per minute, then a JSON 429 with Retry-After; another address has its own count`, async () => {
    for (let i = 0; i < LOGIN_LIMIT; i++) expect((await login(loginFrom('192.0.2.10'))).status).toBe(200);
    const refused = await login(loginFrom('192.0.2.10'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.headers.getSetCookie()).toEqual([]);
    const seconds = retryAfterOf(refused);
    expect(await refused.json()).toEqual({ error: `Too many login attempts from your address; try again in ${seconds} s.` });
    expect((await login(loginFrom('192.0.2.11'))).status).toBe(200);
  });

  test('TRUST_PROXY_HOPS=0: a client that forges X-Forwarded-For, rotating it at every request, still hits the login limit', async () => {
    for (let i = 0; i < LOGIN_LIMIT; i++) expect((await login(loginFrom('192.0.2.20', `10.9.9.${i}`))).status).toBe(200);
    const refused = await login(loginFrom('192.0.2.20', '10.9.9.99, 10.9.9.98'));
    expect(refused.status).toBe(429);
    retryAfterOf(refused);
  });

  test(`GET|POST /api/ably-token: ${TOKEN_LIMIT} per minute (401s count too), then Ably's 429 with Retry-After`, async () => {
    for (let i = 0; i < TOKEN_LIMIT; i++) {
      const handler = i % 2 === 0 ? token.GET : token.POST;
      expect((await handler(fromPeer('/api/ably-token', '192.0.2.30', `10.8.8.${i}`, { method: i % 2 === 0 ? 'GET' : 'POST' }))).status).toBe(401);
    }
    const answer = await readResponse(await token.GET(fromPeer('/api/ably-token', '192.0.2.30', '10.8.8.200')));
    const message = expectAblyError(answer, 429, ablyCodeForStatus(429));
    const seconds = retryAfterOf(answer);
    expect(message).toBe(`Too many token requests; try again in ${seconds} s.`);
    // The token limit and the login limit count apart.
    expect((await login(loginFrom('192.0.2.30'))).status).toBe(200);
    expect((await token.GET(fromPeer('/api/ably-token', '192.0.2.31'))).status).toBe(401);
  });

  test('a cross-site login is refused before it is counted', async () => {
    for (let i = 0; i < LOGIN_LIMIT + 2; i++) {
      const crossSite = fromPeer('/login', '192.0.2.40', undefined, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' },
        body: JSON.stringify({ username: 'alice' }),
      });
      expect((await login(crossSite)).status).toBe(403);
    }
    expect((await login(loginFrom('192.0.2.40'))).status).toBe(200);
  });
});
