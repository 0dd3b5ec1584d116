import { ExpiringMap, type DemoUser } from '@ably-chat-auth-examples/shared';

/** What the server keeps per session id. */
export interface SessionData {
  /** Set by `POST /login`; read by the token route. */
  user: DemoUser;
}

/**
 * Where sessions live: the cookie holds only a random id, the data stays on the server, so a
 * destroyed session is over even for a copy of its cookie. Three calls, so a shared store
 * (Redis: `GET`, `SET ... EX`, `DEL`) fits behind it; entries past their time to live must read
 * as missing.
 */
export interface SessionStore {
  /** The session's data, or undefined when there is none (never created, destroyed or expired). */
  get(id: string): Promise<SessionData | undefined>;
  /** Stores the session for `ttlSeconds`. */
  set(id: string, data: SessionData, ttlSeconds: number): Promise<void>;
  /** Removes the session; removing one that does not exist is not an error. */
  destroy(id: string): Promise<void>;
}

/**
 * An in-memory {@link SessionStore}. Fine for a demo on one process; a real app passes a shared
 * store (Redis, a database) to `createApp`, so sessions survive a restart and every instance
 * sees them.
 *
 * @example createApp(config, { sessionStore: createMemorySessionStore() })
 */
export function createMemorySessionStore(): SessionStore {
  const sessions = new ExpiringMap<SessionData>();
  return {
    get: (id) => Promise.resolve(sessions.get(id)),
    set: (id, data, ttlSeconds) => Promise.resolve(sessions.set(id, data, ttlSeconds * 1000)),
    destroy: (id) => Promise.resolve(sessions.delete(id)),
  };
}
