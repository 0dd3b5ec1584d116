import { getIronSession, webCookies, type IronSession, type SessionOptions } from 'iron-session';
import { isSecureRequest } from './client-address';
import { demoConfig } from './config';
import type { DemoUser } from './demo';

/** Name of the sealed session cookie. */
export const SESSION_COOKIE = 'chat.session';

/** Sessions last 8 hours, as in the other examples. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

/** What the sealed cookie holds. */
export interface DemoSessionData {
  /** Set by `POST /login`; read by the token route. */
  user: DemoUser;
}

/**
 * iron-session's options: the whole session lives in the cookie, sealed (encrypted and signed)
 * with `SESSION_SECRET`, so the server keeps no session store.
 */
export function sessionOptions(request?: Request): SessionOptions {
  const config = demoConfig();
  return {
    cookieName: SESSION_COOKIE,
    password: config.sessionSecret,
    ttl: SESSION_TTL_SECONDS,
    // Secure when the client came over HTTPS, which a TLS proxy in front says in X-Forwarded-Proto
    // (read with TRUST_PROXY_HOPS only). Not otherwise: the start script serves plain HTTP, where a
    // browser would drop a Secure cookie (iron-session's default) and the demo could not sign in.
    cookieOptions: { httpOnly: true, sameSite: 'lax', path: '/', secure: request ? isSecureRequest(request.headers, config.trustProxyHops) : false },
  };
}

/**
 * The session of `request`; `session.save()` and `session.destroy()` write their `Set-Cookie`
 * into `responseHeaders`.
 *
 * @example
 * const headers = new Headers();
 * const session = await getDemoSession(request, headers);
 * session.user = { username: 'alice' };
 * await session.save();
 * return Response.json({ username: 'alice' }, { headers });
 */
export function getDemoSession(request: Request, responseHeaders: Headers = new Headers()): Promise<IronSession<DemoSessionData>> {
  return getIronSession<DemoSessionData>(webCookies(request, responseHeaders), sessionOptions(request));
}
