import { expect } from '@jest/globals';
import * as Ably from 'ably';
import { createTokenIssuer } from '@ably-chat-auth/core';
import { startAblyStandIn, operationsOn, type AblyStandIn } from '@ably-chat-auth/ably-stand-in';
import { createChatSession, type ChatSession, type ChatSessionState } from '@ably-chat-auth/client/session';
import { describe as summary, grants, sleep, startTokenRoute, stateWhere, TEST_KEY, type TestTokenRoute } from './support';

// The real ably + @ably/chat clients, core's real token route on a real server, and the local
// stand-in for Ably's realtime servers (the only mock).

let ably: AblyStandIn;
let route: TestTokenRoute;
let user = '';
/** How many connections the stand-in had before this test: each test looks at its own. */
let mark = 0;
const sessions: ChatSession[] = [];

beforeAll(async () => {
  ably = await startAblyStandIn({ apiKey: TEST_KEY });
  route = await startTokenRoute();
});
afterAll(async () => {
  await route.close();
  await ably.close();
});
beforeEach(() => {
  user = '';
  route.calls.length = 0;
  ably.events.length = 0;
  mark = ably.connections().length;
  grants.clear();
  grants.set('alice', { lobby: 'all' });
  grants.set('bob', { lobby: 'all' });
  grants.set('carol', null); // banned: signed in, no grants
});
afterEach(() => {
  for (const session of sessions.splice(0)) session.close();
});

function session(): { session: ChatSession; seen: ReturnType<typeof summary>[] } {
  const created = createChatSession(route.url, {
    headers: (): Record<string, string> => (user ? { Authorization: `Bearer ${user}` } : {}),
    realtimeOptions: { ...ably.clientOptions, logLevel: 0 },
  });
  sessions.push(created);
  const seen: ReturnType<typeof summary>[] = [];
  created.subscribe((state) => seen.push(summary(state)));
  return { session: created, seen };
}

const connectedAs = (clientId: string) => (state: ChatSessionState) => state.status === 'connected' && state.clientId === clientId;
const connections = () => ably.connections().slice(mark);
const openConnections = () => connections().filter((c) => c.open);
/** Waits until the stand-in has seen every close the client sent. */
async function settled(open: number): Promise<void> {
  for (let i = 0; i < 50 && openConnections().length !== open; i++) await sleep(50);
}

test('an anonymous start is checking until the route answers, then signed-out with no connection; signedIn() connects as the user and a room attaches', async () => {
  const { session: s, seen } = session();
  // Not signed-out before the route has answered: a UI would flash its login prompt for a signed-in user.
  expect(s.getState()).toEqual({ status: 'checking' });
  await stateWhere(s, (state) => state.status === 'signed-out' && route.calls.length === 1);
  expect(s.chatClient).toBeUndefined();
  expect(connections()).toHaveLength(0);

  user = 'alice';
  await s.signedIn();
  await stateWhere(s, connectedAs('alice'));
  expect(s.realtime!.auth.clientId).toBe('alice');
  const room = await s.chatClient!.rooms.get('lobby');
  await room.attach();
  expect(ably.events).toContainEqual(expect.objectContaining({ type: 'attached', channel: 'lobby::$chat' }));
  expect(openConnections().map((c) => c.clientId)).toEqual(['alice']);
  expect(seen).toEqual([{ status: 'signed-out' }, { status: 'connecting', clientId: 'alice' }, { status: 'connected', clientId: 'alice' }]);
  expect(route.calls).toEqual(['', 'alice']);
});

test('signedOut() closes the connection and ends signed-out', async () => {
  user = 'alice';
  const { session: s } = session();
  await stateWhere(s, connectedAs('alice'));
  user = '';
  await expect(s.signedOut()).resolves.toEqual({ status: 'signed-out' });
  await settled(0);
  expect(openConnections()).toEqual([]);
  expect(s.chatClient).toBeUndefined();
});

test('user switch alice -> bob: one new connection, the old one closed, no 40102 anywhere', async () => {
  user = 'alice';
  const { session: s, seen } = session();
  await stateWhere(s, connectedAs('alice'));
  const alice = s.realtime!;
  user = 'bob';
  await s.refresh();
  await stateWhere(s, connectedAs('bob'));
  await settled(1);
  expect(alice.connection.state).toBe('closed');
  expect(connections().map((c) => [c.clientId, c.open])).toEqual([
    ['alice', false],
    ['bob', true],
  ]);
  expect(ably.events.filter((e) => e.type === 'connected')).toHaveLength(2);
  expect(ably.events.some((e) => 'code' in e && e.code === 40102)).toBe(false);
  expect(seen.some((state) => state.code === 40102 || state.status === 'failed')).toBe(false);
  expect(route.calls).toEqual(['alice', 'bob']);
});

test('a banned user (403) is forbidden after one route call, with no connection and no retry', async () => {
  user = 'carol';
  const { session: s } = session();
  const state = await stateWhere(s, (st) => st.status === 'forbidden');
  expect(state).toMatchObject({ status: 'forbidden', reason: { statusCode: 403 } });
  await sleep(1_000);
  expect(route.calls).toEqual(['carol']);
  expect(connections()).toHaveLength(0);
  expect(s.getState()).toBe(state);
});

test('the same user refreshing keeps its connection and takes the new token in place', async () => {
  user = 'alice';
  const { session: s } = session();
  await stateWhere(s, connectedAs('alice'));
  grants.set('alice', { lobby: 'all', vip: 'all' });
  await s.refresh();
  await sleep(200);
  expect(ably.events.filter((e) => e.type === 'connected')).toHaveLength(1);
  expect(ably.events).toContainEqual(expect.objectContaining({ type: 'reauthorized', clientId: 'alice' }));
  expect(s.getState()).toMatchObject({ status: 'connected', clientId: 'alice' });
});

describe('renewal near expiry (10 s tokens; the stand-in asks for a new one halfway)', () => {
  let shortRoute: TestTokenRoute;
  beforeAll(async () => {
    shortRoute = await startTokenRoute('10s');
  });
  afterAll(() => shortRoute.close());

  function shortSession(): ChatSession {
    const created = createChatSession(shortRoute.url, {
      headers: (): Record<string, string> => (user ? { Authorization: `Bearer ${user}` } : {}),
      realtimeOptions: { ...ably.clientOptions, logLevel: 0 },
    });
    sessions.push(created);
    return created;
  }

  test('picks up changed capabilities on the same connection: a room refused (40160) before attaches after', async () => {
    user = 'alice';
    const s = shortSession();
    await stateWhere(s, connectedAs('alice'));
    const vipBefore = await s.chatClient!.rooms.get('vip');
    await expect(vipBefore.attach()).rejects.toMatchObject({ code: 40160 });
    await s.chatClient!.rooms.release('vip');

    grants.set('alice', { lobby: 'all', vip: 'all' });
    const withVip = () => ably.events.find((e) => e.type === 'reauthorized' && 'vip' in e.capability);
    for (let i = 0; i < 120 && !withVip(); i++) await sleep(100);
    expect(withVip()).toBeDefined();
    const [connection] = connections();
    expect([...operationsOn(connection!.capability, 'vip::$chat')]).toContain('publish');

    const vip = await s.chatClient!.rooms.get('vip');
    await vip.attach();
    expect(ably.events.filter((e) => e.type === 'connected')).toHaveLength(1);
    expect(ably.events).toContainEqual({ type: 'attached', connectionId: connection!.id, channel: 'vip::$chat' });
  }, 20_000);

  test('a renewed token naming another user gives a new connection, never a 40102', async () => {
    user = 'alice';
    const s = shortSession();
    const seen: ChatSessionState[] = [];
    s.subscribe((state) => seen.push(state));
    await stateWhere(s, connectedAs('alice'));
    user = 'bob'; // the cookie changed under the app; only the renewal notices
    await stateWhere(s, connectedAs('bob'), 15_000);
    await settled(1);
    expect(connections().map((c) => [c.clientId, c.open])).toEqual([
      ['alice', false],
      ['bob', true],
    ]);
    expect(ably.events.some((e) => 'code' in e && e.code === 40102)).toBe(false);
    expect(seen.map((state) => state.status)).not.toContain('failed');
  }, 20_000);
});

test('the stand-in itself refuses a renewed token naming another user with 40102 (what the session avoids)', async () => {
  const issuer = createTokenIssuer({ apiKey: TEST_KEY, ttl: '1h' });
  let next = 'alice';
  const client = new Ably.Realtime({
    ...ably.clientOptions,
    logLevel: 0,
    authCallback: (_params, callback) => void issuer.issue({ clientId: next, grants: { lobby: 'all' } }).then((t) => callback(null, t.token)),
  });
  try {
    await new Promise((resolve) => client.connection.once('connected', resolve));
    next = 'bob';
    const failed = new Promise<Ably.ConnectionStateChange>((resolve) => client.connection.once('failed', resolve));
    await client.auth.authorize().catch(() => {});
    expect((await failed).reason?.code).toBe(40102);
  } finally {
    client.close();
  }
});

test('bad options fail at creation with the option named', () => {
  expect(() => createChatSession(route.url, { realtimeOption: {} } as never)).toThrow("createChatSession: unknown option 'realtimeOption'");
  expect(() => createChatSession(route.url, { method: 'PUT' } as never)).toThrow("method must be 'GET' or 'POST'");
});
