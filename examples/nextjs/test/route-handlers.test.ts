import { describe, expect, test } from '@jest/globals';
import { sealData } from 'iron-session';
import { ALL_CHAT_OPERATIONS, capabilityOf, expectAblyError, expectToken, readResponse, userClaimsOf } from '@ably-chat-auth/adapter-contract/testing';
// First: sets ABLY_API_KEY and SESSION_SECRET before the route modules read them.
import { key, SESSION_SECRET } from './demo-env';
// The route handlers exactly as Next.js calls them: exported functions of a Fetch `Request`.
import * as token from '../app/api/ably-token/route';
import { POST as login } from '../app/login/route';
import { POST as logout } from '../app/logout/route';

const ORIGIN = 'http://127.0.0.1:3000';

/** A `Cookie` header holding a session sealed by iron-session itself, as `POST /login` would set it. */
async function sessionCookie(username: string): Promise<string> {
  return `chat.session=${await sealData({ user: { username } }, { password: SESSION_SECRET, ttl: 8 * 60 * 60 })}`;
}

function tokenRequest(method: 'GET' | 'POST', headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}/api/ably-token?clientId=mallory&capability=%7B%22*%22%3A%5B%22*%22%5D%7D`, { method, headers });
}

function post(path: string, body: string | undefined, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
}

/** The `name=value` part of the answer's session cookie. */
function setCookieOf(response: Response): string | undefined {
  return response.headers.getSetCookie().find((c) => c.startsWith('chat.session='));
}

describe('app/api/ably-token/route.ts (core Fetch route, iron-session user, demo policy)', () => {
  test('401 in Ably error shape without a session, and with a cookie that does not unseal', async () => {
    expectAblyError(await readResponse(await token.GET(tokenRequest('GET'))), 401, 40100);
    const forged = `chat.session=${await sealData({ user: { username: 'alice' } }, { password: 'another-secret-of-more-than-32-characters', ttl: 60 })}`;
    expectAblyError(await readResponse(await token.POST(tokenRequest('POST', { Cookie: forged }))), 401, 40100);
  });

  test.each(['GET', 'POST'] as const)('%s: alice gets a token, verified with jose, with the demo capability; the query is ignored', async (method) => {
    const handler = token[method];
    const claims = await expectToken(await readResponse(await handler(tokenRequest(method, { Cookie: await sessionCookie('alice') }))), key);
    expect(claims['x-ably-clientId']).toBe('alice');
    expect(capabilityOf(claims)).toEqual({
      announcements: ['channel-metadata', 'history', 'subscribe'],
      'dms:alice:*': ['history', 'presence', 'publish', 'subscribe'],
      // 'all': every Chat feature, spelled out as its operations.
      lobby: [...ALL_CHAT_OPERATIONS],
    });
    expect(userClaimsOf(claims)).toEqual({ '*': '{"display_name":"Alice"}' });
  });

  test('banned has a session but gets 403 (the Ably client then fails instead of retrying)', async () => {
    expectAblyError(await readResponse(await token.GET(tokenRequest('GET', { Cookie: await sessionCookie('banned') }))), 403, 40300);
  });

  test('a cross-site token request is refused with 403 and no CORS header, even with a valid session', async () => {
    const response = await token.GET(
      tokenRequest('GET', { Cookie: await sessionCookie('alice'), 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }),
    );
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(expectAblyError(await readResponse(response), 403, 40300)).toMatch(/Cross-site token request refused/);
  });
});

describe('app/login/route.ts and app/logout/route.ts', () => {
  test('POST /login seals the user into an HttpOnly cookie that the token route accepts; the answer is not cached', async () => {
    const response = await login(post('/login', JSON.stringify({ username: ' alice ' })));
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ username: 'alice' });
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cookie = setCookieOf(response)!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    const claims = await expectToken(await readResponse(await token.GET(tokenRequest('GET', { Cookie: cookie.split(';')[0]! }))), key);
    expect(claims['x-ably-clientId']).toBe('alice');
  });

  test('a form post works too', async () => {
    const response = await login(post('/login', 'username=admin', { 'Content-Type': 'application/x-www-form-urlencoded' }));
    await expect(response.json()).resolves.toEqual({ username: 'admin' });
    const claims = await expectToken(await readResponse(await token.GET(tokenRequest('GET', { Cookie: setCookieOf(response)!.split(';')[0]! }))), key);
    expect(capabilityOf(claims).announcements).toContain('message-delete-any');
  });

  test.each([
    ['an invalid username', JSON.stringify({ username: 'Not Valid' }), 400, /1 to 32 characters/],
    ['no username', JSON.stringify({}), 400, /A username is required/],
    ['malformed JSON', '{"username":', 400, /not valid JSON/],
    ['a body over 1 kB', JSON.stringify({ username: 'a'.repeat(2000) }), 413, /too large/],
  ])('%s: refused with its status and reason, and no cookie', async (_case, body, status, message) => {
    const response = await login(post('/login', body));
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
    expect(setCookieOf(response)).toBeUndefined();
  });

  /** A streamed login body of 64 KiB chunks, up to `maxBytes`, counting what the handler pulled. */
  function streamedLogin(maxBytes: number, headers: Record<string, string> = {}): { request: Request; pulled: () => number } {
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= maxBytes) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const init = { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit;
    return { request: new Request(`${ORIGIN}/login`, init), pulled: () => pulled };
  }

  test('a Content-Length over 1 kB gets 413 before any of the body is read', async () => {
    // The stream holds 8 MiB; the header says 300 MB, which is all the handler needs to know.
    const { request, pulled } = streamedLogin(8 * 2 ** 20, { 'Content-Length': '300000000' });
    const response = await login(request);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'The request body is too large.' });
    // A ReadableStream pulls its first chunk by itself when it is made; the handler read nothing.
    expect(pulled()).toBeLessThanOrEqual(64 * 1024);
  });

  test('a body without Content-Length gets 413 once 1 kB has been read, not after the whole of it', async () => {
    const { request, pulled } = streamedLogin(256 * 2 ** 20);
    const response = await login(request);
    expect(response.status).toBe(413);
    // The stream's queue may hold a chunk or two beyond the one that passed the limit.
    expect(pulled()).toBeLessThanOrEqual(4 * 64 * 1024);
  });

  test.each([
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['an Origin of another host', { Origin: 'https://evil.example' }],
    ['Origin: null', { Origin: 'null' }],
  ])('a cross-site login (%s) gets the shared 403 and no Set-Cookie; logout too, and the session survives', async (_case, headers) => {
    const refusedLogin = await login(post('/login', JSON.stringify({ username: 'mallory' }), headers));
    expect(refusedLogin.status).toBe(403);
    expect(((await refusedLogin.json()) as { error: string }).error).toMatch(/^Refused: this request comes from another website/);
    expect(refusedLogin.headers.getSetCookie()).toEqual([]);

    const cookie = await sessionCookie('alice');
    const refusedLogout = await logout(post('/logout', undefined, { ...headers, Cookie: cookie }));
    expect(refusedLogout.status).toBe(403);
    expect(refusedLogout.headers.getSetCookie()).toEqual([]);
    const claims = await expectToken(await readResponse(await token.GET(tokenRequest('GET', { Cookie: cookie }))), key);
    expect(claims['x-ably-clientId']).toBe('alice');
  });

  test('a same-origin login (the page itself) is accepted', async () => {
    const response = await login(
      post('/login', JSON.stringify({ username: 'alice' }), { 'Sec-Fetch-Site': 'same-origin', Origin: ORIGIN, Host: '127.0.0.1:3000' }),
    );
    expect(response.status).toBe(200);
    expect(setCookieOf(response)).toBeDefined();
  });

  test('POST /logout answers 204 and expires the cookie', async () => {
    const response = await logout(post('/logout', undefined, { Cookie: await sessionCookie('alice') }));
    expect(response.status).toBe(204);
    expect(setCookieOf(response)).toMatch(/^chat\.session=; Max-Age=0/);
  });
});
