import { expect } from '@jest/globals';
import * as Ably from 'ably';
import { createTokenIssuer } from '@ably-chat-auth/core';
import { createAuthCallback, type AuthCallbackOptions, type TokenRouteError } from '@ably-chat-auth/client';
import { answer, deadPort, refusal, startRouteServer, type RouteAnswer, type RouteServer } from './route-server';

// The real ably client against a real loopback token route. Ably itself is a dead local port: the
// token is fetched, then the connection to "Ably" fails, which is as far as a test here can go.
const TEST_KEY = 'testApp.testKey:test-secret-not-used-anywhere-else';
const RETRY_MS = 150;
const WINDOW_MS = 1_500;

let server: RouteServer;
let ably: { realtimeHost: string; restHost: string; port: number; tls: false; fallbackHosts: string[]; connectivityCheckUrl: string };
let jwt: string;
const DETAILS = { token: 'placeholder', issued: Date.now(), expires: Date.now() + 3_600_000, capability: '{"lobby":["subscribe"]}', clientId: 'dora' };

beforeAll(async () => {
  const issuer = createTokenIssuer({ apiKey: TEST_KEY, ttl: '1h' });
  jwt = (await issuer.issue({ clientId: 'alice', grants: { lobby: 'all' } })).token;
  DETAILS.token = (await issuer.issue({ clientId: 'dora', grants: { lobby: ['receive'] } })).token;
  const hang: RouteAnswer = () => {}; // never answers
  server = await startRouteServer({
    '/jwt': answer(200, 'application/jwt', jwt),
    '/details': answer(200, 'application/json', JSON.stringify(DETAILS)),
    '/401': refusal(401, 40100, 'Not signed in.'),
    '/403': refusal(403, 40300, 'This user is not allowed to use chat.'),
    '/429': refusal(429, 42900, 'Too many token requests.', { 'retry-after': '1' }),
    '/500': refusal(500, 50000, 'The token route failed.'),
    '/503': refusal(503, 50300, 'The user lookup timed out.', { 'retry-after': '1' }),
    '/hang': hang,
  });
  const dead = await deadPort();
  ably = { realtimeHost: '127.0.0.1', restHost: '127.0.0.1', port: dead, tls: false, fallbackHosts: [], connectivityCheckUrl: `http://127.0.0.1:${dead}/up` };
});
afterAll(() => server.close());

const clients: Ably.Realtime[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

function realtime(path: string, options?: AuthCallbackOptions): Ably.Realtime {
  const client = new Ably.Realtime({
    ...ably,
    logLevel: 0,
    disconnectedRetryTimeout: RETRY_MS,
    authCallback: createAuthCallback(server.url(path), { timeout: 300, ...options }),
  });
  clients.push(client);
  return client;
}

function reach(client: Ably.Realtime, state: Ably.ConnectionState, ms = 5_000): Promise<Ably.ConnectionStateChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not '${state}' within ${ms} ms (it is '${client.connection.state}')`)), ms);
    client.connection.once(state, (change) => {
      clearTimeout(timer);
      resolve(change);
    });
  });
}

/** The token the client holds: ably-js keeps it on `auth.tokenDetails`, which its types do not declare. */
const tokenDetails = (client: Ably.Realtime) => (client.auth as unknown as { tokenDetails?: Ably.TokenDetails }).tokenDetails;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Watches a client for a fixed window: the states it went through and how often the route was called. */
async function watch(client: Ably.Realtime, path: string): Promise<{ states: string[]; calls: number }> {
  const states: string[] = [];
  client.connection.on((change) => states.push(change.current));
  const before = server.calls(path);
  await sleep(WINDOW_MS);
  return { states, calls: server.calls(path) - before };
}

test('200 application/jwt: the client holds exactly the served JWT (then fails to reach the dead Ably port)', async () => {
  const client = realtime('/jwt');
  const change = await reach(client, 'disconnected');
  expect(tokenDetails(client)?.token).toBe(jwt);
  expect(change.reason?.statusCode).not.toBe(403);
});

test('200 application/json TokenDetails: the client holds the served TokenDetails', async () => {
  const client = realtime('/details');
  await reach(client, 'disconnected');
  expect(tokenDetails(client)).toMatchObject({ token: DETAILS.token, clientId: 'dora', expires: DETAILS.expires });
});

test('403: connecting -> failed (80019/403, the body\u2019s 40300 as cause); the route is called once, never again', async () => {
  const forbidden: TokenRouteError[] = [];
  const client = realtime('/403', { onForbidden: (e) => forbidden.push(e) });
  const before = server.calls('/403');
  const failed = await reach(client, 'failed');
  expect(failed.previous).toBe('connecting');
  expect(failed.reason).toMatchObject({ code: 80019, statusCode: 403, cause: expect.objectContaining({ code: 40300, statusCode: 403 }) });
  expect(failed.reason?.cause?.message).toBe('TokenRouteError: This user is not allowed to use chat.');
  const { states, calls } = await watch(client, '/403');
  expect(states).toEqual([]);
  expect(calls).toBe(0);
  expect(server.calls('/403') - before).toBe(1);
  expect(forbidden).toHaveLength(1);
});

test.each([
  ['/401', 401, 40100],
  ['/429', 429, 42900],
  ['/500', 500, 50000],
  ['/503', 503, 50300],
])('%s: disconnected (80019, our statusCode %i and code %i as cause) and retried by the SDK', async (path, statusCode, code) => {
  const client = realtime(path);
  const change = await reach(client, 'disconnected');
  // ably-js reports every retriable auth failure as 80019/401 and keeps what the route said as the cause.
  expect(change.reason).toMatchObject({ code: 80019, statusCode: 401, cause: expect.objectContaining({ statusCode, code }) });
  const { states, calls } = await watch(client, path);
  expect(states).not.toContain('failed');
  expect(calls).toBeGreaterThanOrEqual(2);
});

test('a route that hangs past `timeout` is a retriable 504, and the client asks again', async () => {
  const client = realtime('/hang');
  const change = await reach(client, 'disconnected');
  expect(change.reason).toMatchObject({ code: 80019, statusCode: 401, cause: expect.objectContaining({ code: 50003, statusCode: 504 }) });
  expect(change.reason?.cause?.message).toContain('did not answer within 300 ms');
  const { states, calls } = await watch(client, '/hang');
  expect(states).not.toContain('failed');
  expect(calls).toBeGreaterThanOrEqual(2);
});

test('a closed port is a retriable network error (never 403)', async () => {
  const client = new Ably.Realtime({
    ...ably,
    logLevel: 0,
    disconnectedRetryTimeout: RETRY_MS,
    authCallback: createAuthCallback(`http://127.0.0.1:${await deadPort()}/api/ably-token`),
  });
  clients.push(client);
  const change = await reach(client, 'disconnected');
  expect(change.reason).toMatchObject({ code: 80019, statusCode: 401, cause: expect.objectContaining({ code: 40170, statusCode: 500 }) });
  const states: string[] = [];
  client.connection.on((c) => states.push(c.current));
  await sleep(WINDOW_MS);
  expect(states).toContain('connecting');
  expect(states).not.toContain('failed');
});

test("the headers function's header reaches the route on every request", async () => {
  let n = 0;
  const client = realtime('/401', { headers: () => Promise.resolve({ Authorization: `Bearer session-${++n}` }) });
  await reach(client, 'disconnected');
  const before = server.headers('/401').length;
  await watch(client, '/401');
  const sent = server
    .headers('/401')
    .slice(before - 1)
    .map((h) => h.authorization);
  expect(sent.length).toBeGreaterThanOrEqual(2);
  expect(new Set(sent).size).toBe(sent.length);
  for (const value of sent) expect(value).toMatch(/^Bearer session-\d+$/);
});

test("unauthenticated: 'stop': a 401 fails the connection once, onUnauthenticated is told once", async () => {
  const told: TokenRouteError[] = [];
  const client = realtime('/401', { unauthenticated: 'stop', onUnauthenticated: (e) => told.push(e) });
  const before = server.calls('/401');
  const failed = await reach(client, 'failed');
  expect(failed.reason).toMatchObject({ code: 80019, statusCode: 403, cause: expect.objectContaining({ code: 40100, statusCode: 403 }) });
  await watch(client, '/401');
  expect(server.calls('/401') - before).toBe(1);
  expect(told.map((e) => e.statusCode)).toEqual([401]);
});

test('the tokenParams the SDK passes are never forwarded to the route', async () => {
  // autoConnect off: requestToken() then fetches from the route without connecting anywhere.
  const client = new Ably.Realtime({ ...ably, logLevel: 0, autoConnect: false, authCallback: createAuthCallback(server.url('/jwt'), { method: 'POST' }) });
  clients.push(client);
  const before = server.requests('/jwt').length;
  const details = await client.auth.requestToken({ clientId: 'mallory', capability: { '*': ['*'] }, ttl: 86_400_000 });
  expect(details.token).toBe(jwt);
  const sent = server.requests('/jwt').slice(before);
  expect(sent.length).toBeGreaterThanOrEqual(1);
  for (const request of sent) expect(request).toEqual({ method: 'POST', url: '/jwt', body: '' });
});

test("for contrast, the seed's snippet (a bare Error) makes the same 403 retry again and again", async () => {
  const url = server.url('/403');
  const client = new Ably.Realtime({
    ...ably,
    logLevel: 0,
    disconnectedRetryTimeout: RETRY_MS,
    authCallback: (_params, callback) =>
      void (async () => {
        const response = await fetch(url, { credentials: 'include' });
        if (!response.ok) return callback(new Error(`Auth failed: ${response.status}`) as unknown as Ably.ErrorInfo, null);
        callback(null, await response.text());
      })(),
  });
  clients.push(client);
  const change = await reach(client, 'disconnected');
  expect(change.reason).toMatchObject({ code: 80019, statusCode: 401 });
  const { states, calls } = await watch(client, '/403');
  expect(states).not.toContain('failed');
  expect(calls).toBeGreaterThanOrEqual(2);
});
