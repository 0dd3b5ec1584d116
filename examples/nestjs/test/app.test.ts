import * as Ably from 'ably';
import { jwtVerify, decodeProtectedHeader } from 'jose';
import { compileGrants } from '@ably-chat-auth/core';
import { DEV_API_KEY, chatPageAssets, createDemoConfig, demoPolicy } from '@ably-chat-auth-examples/shared';
import { createApp, SESSION_COOKIE } from '../src/index';
import { Client, listen, type Running } from './helpers';

const SECRET = new TextEncoder().encode(DEV_API_KEY.split(':')[1]);

async function verifiedClaims(token: string): Promise<Record<string, unknown>> {
  expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: 'devApp.devKey' });
  const { payload } = await jwtVerify(token, SECRET, { algorithms: ['HS256'] });
  return payload;
}

describe('NestJS example', () => {
  let app: Running;

  beforeAll(async () => {
    app = await listen(createApp(createDemoConfig({ port: 0 }), { logger: false }));
  });
  afterAll(() => app.close());

  test('serves the chat page and the SDKs from the app itself', async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await page.text()).toContain('<span class="badge">NestJS</span>');
    for (const asset of chatPageAssets) {
      const response = await fetch(app.url + asset.path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(asset.contentType);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  test('the token route answers 401 in Ably\u2019s shape before login', async () => {
    const response = await new Client(app.url).token();
    expect(response.status).toBe(401);
    expect(response.headers.get('x-ably-errorcode')).toBe('40100');
    expect(await response.json()).toMatchObject({ error: { code: 40100, statusCode: 401 } });
  });

  test('login rejects a bad username with 400 and a clear JSON error, and starts no session', async () => {
    const client = new Client(app.url);
    for (const username of ['Alice', '', 'a:b', 'x'.repeat(33), 7]) {
      const response = await client.login(username);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string };
      expect(body.error).toContain('1 to 32 characters');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    const noBody = await client.request('/login', { method: 'POST' });
    expect(noBody.status).toBe(400);
    expect(await noBody.json()).toEqual({ error: expect.stringMatching(/username is required/) });
    const badJson = await client.request('/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ error: 'The request body is not valid JSON.' });
    expect(client.cookie).toBeUndefined();
  });

  test('alice logs in and gets a token for exactly the demo policy, over GET and POST; the query cannot change it', async () => {
    const alice = new Client(app.url);
    const login = await alice.login('alice');
    expect(login.status).toBe(200);
    expect(await login.json()).toEqual({ username: 'alice' });
    const setCookie = login.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE.replace('.', '\\.')}=`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);

    const expected = compileGrants(demoPolicy({ username: 'alice' }))!.json;
    for (const method of ['GET', 'POST'] as const) {
      const response = await alice.token(method, '?clientId=admin&capability=%7B%22*%22%3A%5B%22*%22%5D%7D');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/jwt/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const claims = await verifiedClaims(await response.text());
      expect(claims['x-ably-clientId']).toBe('alice');
      expect(claims['x-ably-capability']).toBe(expected);
    }
  });

  test('a form-encoded login works too; admin moderates announcements', async () => {
    const admin = new Client(app.url);
    const login = await admin.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=admin' });
    expect(login.status).toBe(200);
    const claims = await verifiedClaims(await (await admin.token()).text());
    expect(claims['x-ably-clientId']).toBe('admin');
    expect(JSON.parse(claims['x-ably-capability'] as string).announcements).toContain('message-delete-any');
  });

  test('the real Ably client gets alice\u2019s token through the route, and a 403 for banned', async () => {
    const alice = new Client(app.url);
    await alice.login('alice');
    const rest = new Ably.Rest({ authUrl: `${app.url}/api/ably-token`, authHeaders: { cookie: alice.cookie! }, logLevel: 0 });
    const details = await rest.auth.requestToken();
    expect((await verifiedClaims(details.token))['x-ably-clientId']).toBe('alice');

    const banned = new Client(app.url);
    expect((await banned.login('banned')).status).toBe(200);
    const refused = await banned.token();
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-ably-errorcode')).toBe('40300');
    const bannedRest = new Ably.Rest({ authUrl: `${app.url}/api/ably-token`, authHeaders: { cookie: banned.cookie! }, logLevel: 0 });
    await expect(bannedRest.auth.requestToken()).rejects.toMatchObject({ statusCode: 403, code: 40300 });
  });

  test('logout destroys the session: the old cookie no longer gets a token', async () => {
    const alice = new Client(app.url);
    await alice.login('alice');
    const oldCookie = alice.cookie!;
    expect((await alice.token()).status).toBe(200);
    const logout = await alice.logout();
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie().join('\n')).toMatch(/Expires=Thu, 01 Jan 1970/);
    const replay = await fetch(`${app.url}/api/ably-token`, { headers: { cookie: oldCookie } });
    expect(replay.status).toBe(401);
  });

  test('logging in again replaces the session id', async () => {
    const client = new Client(app.url);
    await client.login('alice');
    const first = client.cookie;
    await client.login('bob');
    expect(client.cookie).not.toBe(first);
    expect((await fetch(`${app.url}/api/ably-token`, { headers: { cookie: first! } })).status).toBe(401);
    expect((await verifiedClaims(await (await client.token()).text()))['x-ably-clientId']).toBe('bob');
  });

  test('other methods on the token route get 405 with Allow', async () => {
    const response = await fetch(`${app.url}/api/ably-token`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });
});

describe('NestJS example rate limits', () => {
  let app: Running;

  beforeAll(async () => {
    app = await listen(createApp(createDemoConfig({ port: 0, loginRateLimitPerMinute: 2, tokenRateLimitPerMinute: 3 }), { logger: false }));
  });
  afterAll(() => app.close());

  test('login: 429 with Retry-After and a JSON error past the limit', async () => {
    const client = new Client(app.url);
    expect((await client.login('alice')).status).toBe(200);
    expect((await client.login('Bad Name')).status).toBe(400);
    const limited = await client.login('alice');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await limited.json()).toEqual({ error: expect.stringMatching(/^Too many login attempts/) });
  });

  test('token route: 429 in Ably\u2019s error shape with x-ably headers and Retry-After, also for the Ably client', async () => {
    const anonymous = new Client(app.url);
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
    expect(await limited.json()).toEqual({ error: { message: expect.stringMatching(/^Too many token requests; try again in \d+ s\.$/), code: 42910, statusCode: 429 } });

    const rest = new Ably.Rest({ authUrl: `${app.url}/api/ably-token`, logLevel: 0 });
    await expect(rest.auth.requestToken()).rejects.toMatchObject({ statusCode: 429, code: 42910 });
  });
});

describe('NestJS example routing and limits', () => {
  let app: Running;

  beforeAll(async () => {
    app = await listen(createApp(createDemoConfig({ port: 0, loginRateLimitPerMinute: 50, tokenRateLimitPerMinute: 2 }), { logger: false }));
  });
  afterAll(() => app.close());

  test('the global prefix covers only the token route; other paths get a JSON 404', async () => {
    for (const path of ['/api/', '/api/login', '/ably-token', '/api/assets/chat-page.js']) {
      const response = await fetch(app.url + path);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/^Cannot GET /) });
    }
  });

  test('GET, POST and case or trailing-slash variants of the token route share one limit; the page and login do not count', async () => {
    const client = new Client(app.url);
    expect((await client.request('/api/ably-token', { method: 'POST' })).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await fetch(`${app.url}/`)).status).toBe(200);
    expect((await client.login('alice')).status).toBe(200);
    expect((await client.request('/API/ably-token/')).status).toBe(200);
    const limited = await client.token('POST');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ably-errorcode')).toBe('42910');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
