import { ExpiringMap } from '@ably-chat-auth-examples/shared';

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
  const sessions = new ExpiringMap<SessionData>();
  return {
    get: (key) => Promise.resolve(sessions.get(key)),
    set: (key, data, maxAge) => Promise.resolve(sessions.set(key, data, maxAge)),
    destroy: (key) => Promise.resolve(sessions.delete(key)),
  };
}
