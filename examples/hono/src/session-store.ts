import type { DemoUser } from '@ably-chat-auth-examples/shared';

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
  const sessions = new Map<string, { data: SessionData; expires: number }>();
  let lastSweep = Date.now();
  // Expired sessions nobody asks for again are dropped at most once a minute, so memory stays bounded.
  const sweep = (now: number): void => {
    if (now - lastSweep < 60_000) return;
    lastSweep = now;
    for (const [id, entry] of sessions) if (entry.expires <= now) sessions.delete(id);
  };
  return {
    get(id) {
      const entry = sessions.get(id);
      if (!entry) return Promise.resolve(undefined);
      if (entry.expires <= Date.now()) {
        sessions.delete(id);
        return Promise.resolve(undefined);
      }
      return Promise.resolve(entry.data);
    },
    set(id, data, ttlSeconds) {
      const now = Date.now();
      sweep(now);
      sessions.set(id, { data, expires: now + ttlSeconds * 1000 });
      return Promise.resolve();
    },
    destroy(id) {
      sessions.delete(id);
      return Promise.resolve();
    },
  };
}
