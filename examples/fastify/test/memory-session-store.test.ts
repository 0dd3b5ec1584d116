import { expect, jest } from '@jest/globals';
import type { Session } from 'fastify';
import { createMemorySessionStore } from '../src/index';

type Store = ReturnType<typeof createMemorySessionStore>;

function get(store: Store, id: string): Promise<Session | null | undefined> {
  return new Promise((resolve, reject) => store.get(id, (error: Error | null, session) => (error ? reject(error) : resolve(session))));
}

function set(store: Store, id: string, session: Session): Promise<void> {
  return new Promise((resolve) => store.set(id, session, () => resolve()));
}

function session(expiresInMs: number | null, user = 'alice'): Session {
  return { cookie: { originalMaxAge: expiresInMs, expires: expiresInMs === null ? null : new Date(Date.now() + expiresInMs) }, user: { username: user } };
}

afterEach(() => jest.restoreAllMocks());

describe('createMemorySessionStore', () => {
  test('keeps a copy of each session until it is destroyed', async () => {
    const store = createMemorySessionStore();
    const original = session(60_000);
    await set(store, 'a', original);
    original.user = { username: 'mallory' };
    expect((await get(store, 'a'))?.user).toEqual({ username: 'alice' });
    await new Promise<void>((resolve) => store.destroy('a', () => resolve()));
    expect(await get(store, 'a')).toBeNull();
  });

  test('a session is gone once its cookie has expired', async () => {
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now);
    const store = createMemorySessionStore();
    await set(store, 'a', session(1_000));
    jest.spyOn(Date, 'now').mockReturnValue(now + 999);
    expect(await get(store, 'a')).not.toBeNull();
    jest.spyOn(Date, 'now').mockReturnValue(now + 1_001);
    expect(await get(store, 'a')).toBeNull();
  });

  test('expired sessions nobody asks for are dropped by a later write; one without an expiry is kept a day', async () => {
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now);
    const store = createMemorySessionStore();
    await set(store, 'short', session(1_000));
    await set(store, 'no-expiry', session(null));
    // Past the sweep interval and the short session's expiry: the next write drops it from the table.
    jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    await set(store, 'fresh', session(60_000, 'bob'));
    // Restored clock: had the sweep not dropped it, the short session would still be readable.
    jest.spyOn(Date, 'now').mockReturnValue(now);
    expect(await get(store, 'short')).toBeNull();
    expect((await get(store, 'no-expiry'))?.user).toEqual({ username: 'alice' });
    jest.spyOn(Date, 'now').mockReturnValue(now + 24 * 60 * 60 * 1000 + 1);
    expect(await get(store, 'no-expiry')).toBeNull();
  });
});
