import { ExpiringMap } from '@ably-chat-auth-examples/shared';
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
  const sessions = new ExpiringMap<string>();
  return {
    set(sessionId, session, callback) {
      sessions.set(sessionId, JSON.stringify(session), timeToLive(session));
      callback();
    },
    get(sessionId, callback) {
      const json = sessions.get(sessionId);
      callback(null, json === undefined ? null : (JSON.parse(json) as Session));
    },
    destroy(sessionId, callback) {
      sessions.delete(sessionId);
      callback();
    },
  };
}

/** Milliseconds until the session's cookie expires (`cookie.expires`, a Date before serialisation), else the fallback. */
function timeToLive(session: Session): number {
  const expires = session.cookie.expires;
  const time = expires ? new Date(expires).getTime() : Number.NaN;
  return Number.isFinite(time) ? time - Date.now() : FALLBACK_TTL_MS;
}
