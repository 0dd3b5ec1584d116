import type { DemoUser } from '@ably-chat-auth-examples/shared/src/policy';
import type { Context } from 'hono';
import { setCookie, setSignedCookie } from 'hono/cookie';
import { parseSigned, type CookieOptions } from 'hono/utils/cookie';
import type { KvNamespace } from './bindings.js';

/** Options of {@link createSessions}. */
export interface SessionsOptions {
  /** Name of the session cookie. */
  cookieName: string;
  /** Signs the cookie (HMAC-SHA256 through WebCrypto, Hono's signed cookies). */
  secret: string;
  /** Where the session data lives: a Workers KV namespace. */
  store: KvNamespace;
  /** How long a session lasts after login, in seconds (cookie `Max-Age` and the KV entry's time to live; at least 60, KV's minimum). */
  maxAgeSeconds: number;
  /** Whether a request came over HTTPS: its cookie is then `Secure`. */
  isSecure: (request: Request) => boolean;
}

/** Sessions behind a signed cookie that holds a random id. */
export interface Sessions {
  /** The signed-in user of a request, from its `Cookie` header. */
  userOf(request: Request): Promise<DemoUser | undefined>;
  /** Signs `user` in: ends the request's session, if any, and sets the cookie of a new one with a new id. */
  start(c: Context, user: DemoUser): Promise<void>;
  /** Signs out: ends the request's session, if any, and expires the cookie. */
  end(c: Context): Promise<void>;
}

const KEY_PREFIX = 'session:';

/**
 * Sessions for a Worker: Hono's signed cookies (`hono/cookie`, HMAC through WebCrypto) carry a
 * random id, the session lives in Workers KV under it with KV's own expiry. Not in memory: a
 * Worker runs in many isolates, and a request may reach any of them. Not in the cookie alone: a
 * logout must end the session for every copy of the cookie, so the server keeps what a logout
 * can delete. Every login gets a new id (a session id planted before login is worthless).
 *
 * KV is eventually consistent across Cloudflare's locations: a logout is seen at once where it
 * happened, elsewhere within about a minute. Where that matters, keep sessions in a Durable Object.
 *
 * @example
 * const sessions = createSessions({ cookieName: 'chat.sid', secret, store: env.SESSIONS, maxAgeSeconds: 8 * 3600, isSecure: () => true });
 */
export function createSessions({ cookieName, secret, store, maxAgeSeconds, isSecure }: SessionsOptions): Sessions {
  const cookieOptions = (request: Request): CookieOptions => ({
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    ...(isSecure(request) ? { secure: true } : {}),
  });

  /** The session id of a request's cookie, when its signature is valid. */
  async function sessionIdOf(request: Request): Promise<string | undefined> {
    const header = request.headers.get('cookie');
    if (!header) return undefined;
    const id = (await parseSigned(header, secret, cookieName))[cookieName];
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  async function endCurrent(request: Request): Promise<void> {
    const id = await sessionIdOf(request);
    if (id) await store.delete(KEY_PREFIX + id);
  }

  return {
    async userOf(request) {
      const id = await sessionIdOf(request);
      if (!id) return undefined;
      const json = await store.get(KEY_PREFIX + id);
      return json === null ? undefined : userOf(json);
    },
    async start(c, user) {
      await endCurrent(c.req.raw);
      const id = randomId();
      await store.put(KEY_PREFIX + id, JSON.stringify({ user }), { expirationTtl: maxAgeSeconds });
      await setSignedCookie(c, cookieName, id, secret, { ...cookieOptions(c.req.raw), maxAge: maxAgeSeconds });
    },
    async end(c) {
      await endCurrent(c.req.raw);
      // Both attributes: Max-Age for current browsers, an Expires in the past for older clients.
      setCookie(c, cookieName, '', { ...cookieOptions(c.req.raw), maxAge: 0, expires: new Date(0) });
    },
  };
}

/** 32 random bytes as base64url (WebCrypto: a Worker has no `node:crypto` without `nodejs_compat`). */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** The user of a stored session; a value this module did not write is no session. */
function userOf(json: string): DemoUser | undefined {
  try {
    const user = (JSON.parse(json) as { user?: unknown } | null)?.user;
    if (typeof user === 'object' && user !== null && typeof (user as { username?: unknown }).username === 'string') return user as DemoUser;
  } catch {
    // Not JSON: not a session.
  }
  return undefined;
}
