import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';

/** How long a session without a cookie expiry is kept (the app always sets one; this bounds memory all the same). */
const FALLBACK_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * An in-memory `store` for @fastify/session, the default of the example. @fastify/session's own
 * `MemoryStore` never forgets a session nobody asks for again (its docs warn that it leaks), and it
 * keeps the live object, so a change that was never saved would still show. This one keeps each
 * session as JSON, as a shared store (Redis, a database) does, until its cookie expires, and drops
 * expired ones at most once a minute. Fine for one process; pass a shared store to `createApp`
 * for more.
 *
 * @example await createApp(config, { sessionStore: createMemorySessionStore() });
 */
export function createMemorySessionStore(): SessionStore {
  const sessions = new Map<string, { json: string; expires: number }>();
  let lastSweep = Date.now();
  const sweep = (now: number): void => {
    if (now - lastSweep < 60_000) return;
    lastSweep = now;
    for (const [id, entry] of sessions) if (entry.expires <= now) sessions.delete(id);
  };
  return {
    set(sessionId, session, callback) {
      const now = Date.now();
      sweep(now);
      sessions.set(sessionId, { json: JSON.stringify(session), expires: expiryOf(session, now) });
      callback();
    },
    get(sessionId, callback) {
      const entry = sessions.get(sessionId);
      if (!entry || entry.expires <= Date.now()) {
        sessions.delete(sessionId);
        callback(null, null);
        return;
      }
      callback(null, JSON.parse(entry.json) as Session);
    },
    destroy(sessionId, callback) {
      sessions.delete(sessionId);
      callback();
    },
  };
}

/** When the session's cookie expires (`cookie.expires`, a Date before serialisation), else the fallback. */
function expiryOf(session: Session, now: number): number {
  const expires = session.cookie.expires;
  const time = expires ? new Date(expires).getTime() : Number.NaN;
  return Number.isFinite(time) ? time : now + FALLBACK_TTL_MS;
}
