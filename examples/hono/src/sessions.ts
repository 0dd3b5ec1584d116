import { randomBytes } from 'node:crypto';
import type { DemoUser } from '@ably-chat-auth-examples/shared';
import type { Context } from 'hono';
import { setCookie, setSignedCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { parseSigned } from 'hono/utils/cookie';
import type { SessionStore } from './session-store.js';

/** Options of {@link createSessions}. */
export interface SessionsOptions {
  /** Name of the session cookie. */
  cookieName: string;
  /** Signs the cookie (HMAC-SHA256, Hono's signed cookies). */
  secret: string;
  /** Where the session data lives. */
  store: SessionStore;
  /** How long a session lasts after login, in seconds (cookie `Max-Age` and the store's time to live). */
  maxAgeSeconds: number;
  /** Whether a request came over HTTPS (directly or through a TLS proxy): its cookie is then `Secure`. Default: never. */
  isSecure?: (c: Context) => boolean;
}

/** Server-side sessions behind a signed cookie that holds a random id. */
export interface Sessions {
  /** The signed-in user of a request, from its `Cookie` header: what the Fetch token route's `resolveUser` calls. */
  userOf(request: Request): Promise<DemoUser | undefined>;
  /** Signs `user` in: destroys the request's session, if any, and sets the cookie of a new one with a new id. */
  start(c: Context, user: DemoUser): Promise<void>;
  /** Signs out: destroys the request's session, if any, and expires the cookie. */
  end(c: Context): Promise<void>;
}

/**
 * Sessions for the Hono example: Hono's signed cookies (`hono/cookie`) carry a random id, the
 * data lives in a {@link SessionStore}. Written here rather than taken from a session middleware
 * because the ones for Hono fall short of the demo contract: hono-sessions sets a cookie (and
 * stores a session) on every request and leaves the cookie in place at logout; @hono/session keeps
 * the session id when the user logs in again. Here a cookie is only set by a login, every login
 * gets a new id (a session id planted before login is worthless) and logout ends the session in
 * the store, so a copy of the old cookie gets 401.
 *
 * @example
 * const sessions = createSessions({ cookieName: 'chat.sid', secret, store: createMemorySessionStore(), maxAgeSeconds: 8 * 3600 });
 * const tokenRoute = createFetchTokenRoute({ apiKey, resolveUser: (request) => sessions.userOf(request), policy });
 */
export function createSessions({ cookieName, secret, store, maxAgeSeconds, isSecure = () => false }: SessionsOptions): Sessions {
  const cookieOptions = (c: Context): CookieOptions => ({ path: '/', httpOnly: true, sameSite: 'Lax', ...(isSecure(c) ? { secure: true } : {}) });

  /** The session id of a request's cookie, when its signature is valid. */
  async function sessionIdOf(request: Request): Promise<string | undefined> {
    const header = request.headers.get('cookie');
    if (!header) return undefined;
    const id = (await parseSigned(header, secret, cookieName))[cookieName];
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  async function destroyCurrent(request: Request): Promise<void> {
    const id = await sessionIdOf(request);
    if (id) await store.destroy(id);
  }

  return {
    async userOf(request) {
      const id = await sessionIdOf(request);
      return id ? (await store.get(id))?.user : undefined;
    },
    async start(c, user) {
      await destroyCurrent(c.req.raw);
      const id = randomBytes(32).toString('base64url');
      await store.set(id, { user }, maxAgeSeconds);
      await setSignedCookie(c, cookieName, id, secret, { ...cookieOptions(c), maxAge: maxAgeSeconds });
    },
    async end(c) {
      await destroyCurrent(c.req.raw);
      // Both attributes: Max-Age for current browsers, an Expires in the past for older clients.
      setCookie(c, cookieName, '', { ...cookieOptions(c), maxAge: 0, expires: new Date(0) });
    },
  };
}
