import { randomUUID } from 'node:crypto';
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

describe('Koa example', () => {
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
    expect(await page.text()).toContain('<span class="badge">Koa</span>');
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
    expect(setCookie).toMatch(/httponly/i);
    expect(setCookie).toMatch(/samesite=lax/i);
    // The cookie holds a random id and its signature, never the user.
    expect(alice.jar.get(SESSION_COOKIE)).toMatch(/^[0-9a-f-]{36}$/);
    expect(alice.jar.get(`${SESSION_COOKIE}.sig`)).toBeDefined();

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
    expect(logout.headers.getSetCookie().join('\n')).toMatch(/expires=Thu, 01 Jan 1970/i);
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

  test('a session cookie with a forged id or signature gets 401', async () => {
    const alice = new Client(app.url);
    await alice.login('alice');
    const id = alice.jar.get(SESSION_COOKIE)!;
    const signature = alice.jar.get(`${SESSION_COOKIE}.sig`)!;
    expect((await fetch(`${app.url}/api/ably-token`, { headers: { cookie: alice.cookie! } })).status).toBe(200);
    for (const cookie of [
      `${SESSION_COOKIE}=${id}`,
      `${SESSION_COOKIE}=${id}; ${SESSION_COOKIE}.sig=${signature.slice(1)}x`,
      `${SESSION_COOKIE}=${randomUUID()}; ${SESSION_COOKIE}.sig=${signature}`,
    ]) {
      expect((await fetch(`${app.url}/api/ably-token`, { headers: { cookie } })).status).toBe(401);
    }
  });

  test('other methods on the token route get 405 with Allow', async () => {
    const response = await fetch(`${app.url}/api/ably-token`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });
});

describe('Koa example rate limits', () => {
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
