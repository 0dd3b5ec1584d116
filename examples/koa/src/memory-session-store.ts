/** What koa-session keeps per session id (the user, plus its own `_expire` / `_maxAge`). */
export type SessionData = Record<string, unknown>;

/** The `store` koa-session takes: data lives on the server, the cookie holds only a random id. */
export interface SessionStore {
  get(key: string, maxAge: number, options: { rolling: boolean; ctx?: unknown }): Promise<SessionData | undefined>;
  set(key: string, data: SessionData, maxAge: number, options: { rolling: boolean; changed: boolean; ctx?: unknown }): Promise<void>;
  destroy(key: string, options: { ctx?: unknown }): Promise<void>;
}

/**
 * An in-memory koa-session store. A server-side store (rather than koa-session's default, which
 * keeps the data in the cookie) is what makes logout final: the destroyed id is worthless, so a
 * copy of the old cookie gets 401. Fine for a demo; a real app uses a shared store (Redis, a database).
 */
export function createMemorySessionStore(): SessionStore {
  const sessions = new Map<string, { data: SessionData; expires: number }>();
  let lastSweep = Date.now();
  // Expired sessions nobody asks for again are dropped at most once a minute, so memory stays bounded.
  const sweep = (now: number): void => {
    if (now - lastSweep < 60_000) return;
    lastSweep = now;
    for (const [key, entry] of sessions) if (entry.expires <= now) sessions.delete(key);
  };
  return {
    get(key) {
      const entry = sessions.get(key);
      if (!entry) return Promise.resolve(undefined);
      if (entry.expires <= Date.now()) {
        sessions.delete(key);
        return Promise.resolve(undefined);
      }
      return Promise.resolve(entry.data);
    },
    set(key, data, maxAge) {
      const now = Date.now();
      sweep(now);
      sessions.set(key, { data, expires: now + maxAge });
      return Promise.resolve();
    },
    destroy(key) {
      sessions.delete(key);
      return Promise.resolve();
    },
  };
}
