import { refusalResponse, type Logger } from '@ably-chat-auth/core';
// The shared kit file by file: its index also loads the page's asset table, which reads the disk
// with node:fs when it loads. The page itself comes from the build (see ChatPage).
import type { DemoConfig } from '@ably-chat-auth-examples/shared/src/config';
import { crossSiteRefusal } from '@ably-chat-auth-examples/shared/src/cross-site';
import { parseLoginBody } from '@ably-chat-auth-examples/shared/src/login-username';
import { DEMO_ROUTES } from '@ably-chat-auth-examples/shared/src/routes';
import { validateUsername } from '@ably-chat-auth-examples/shared/src/username';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { getPathNoStrict } from 'hono/utils/url';
import { isSecureRequest } from './client-address.js';
import { drainUnreadBody } from './drain-body.js';
import { limitPerClient, RETRY_AFTER_SECONDS, type WorkersExampleEnv } from './rate-limit.js';
import { createSessions } from './sessions.js';
import { tokenRoute } from './token-route.js';

export type { WorkersExampleEnv } from './rate-limit.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'chat.sid';

/** How long a session lasts after login. */
const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** The chat page as the build rendered it with the shared kit's `renderChatPage` and `CHAT_PAGE_HEADERS`. */
export interface ChatPage {
  html: string;
  headers: Readonly<Record<string, string>>;
}

/** Options of {@link createApp}. */
export interface WorkersExampleOptions {
  /** The page served at `/`. */
  page: ChatPage;
  /** Where the token route logs faults; default `console`. */
  logger?: Logger | false;
}

/**
 * The Workers example: the chat page, `POST /login`, `POST /logout` and the ably-chat-auth token
 * route (core's Fetch route, `@ably-chat-auth/core/fetch`), with per-address rate limits on login
 * and tokens (the Workers Rate Limiting bindings `LOGIN_LIMIT` and `TOKEN_LIMIT`) and sessions in
 * a signed cookie over Workers KV (`SESSIONS`). The page's script, stylesheet and chat bundle are static
 * assets, served before the Worker runs.
 *
 * @example export default { fetch: (request, env, ctx) => createApp(config, { page }).fetch(request, env, ctx) };
 */
export function createApp(config: DemoConfig, { page, logger }: WorkersExampleOptions): Hono<WorkersExampleEnv> {
  // Paths match as in Express and @koa/router: case-insensitive, a trailing slash ignored. So
  // `/LOGIN` and `/login/` are the login route, and the cross-site refusal below covers them too.
  const app = new Hono<WorkersExampleEnv>({ getPath: (request) => getPathNoStrict(request).toLowerCase() });
  const sessionsOf = (c: Context<WorkersExampleEnv>) =>
    createSessions({
      cookieName: SESSION_COOKIE,
      secret: config.sessionSecret,
      store: c.env.SESSIONS,
      maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
      isSecure: (request) => isSecureRequest(request, config.trustProxyHops),
    });

  app.use(drainUnreadBody);

  app.get(DEMO_ROUTES.page, (c) => c.body(page.html, 200, { ...page.headers }));

  // Login CSRF: a form on another site must not sign the browser in (or out). First on these
  // routes, so a refused request never reaches the rate limit or the session.
  app.on('POST', [DEMO_ROUTES.login, DEMO_ROUTES.logout], async (c, next) => {
    const refusal = crossSiteRefusal(c.req.raw.headers);
    if (refusal) return c.json(refusal.body, refusal.status);
    await next();
  });

  const loginLimit = limitPerClient('LOGIN_LIMIT', config.trustProxyHops, (c) =>
    c.json({ error: `Too many login attempts from your address; try again in ${RETRY_AFTER_SECONDS} s.` }, 429, {
      'Retry-After': String(RETRY_AFTER_SECONDS),
    }),
  );

  const loginBodyLimit = bodyLimit({ maxSize: 1024, onError: (c) => c.json({ error: 'The request body is too large.' }, 413) });

  app.post(DEMO_ROUTES.login, loginLimit, loginBodyLimit, async (c) => {
    // Read within loginBodyLimit's 1 kB, then parsed as every example does (JSON or a form).
    const body = parseLoginBody(c.req.header('content-type'), await c.req.text());
    if ('error' in body) return c.json({ error: body.error }, body.status);
    const check = validateUsername(body.username);
    if (!check.ok) return c.json({ error: check.error }, 400);
    // A new session id at login, so a session id planted before login is worthless.
    await sessionsOf(c).start(c, { username: check.username });
    return c.json({ username: check.username });
  });

  app.post(DEMO_ROUTES.logout, async (c) => {
    await sessionsOf(c).end(c);
    return c.body(null, 204);
  });

  // The token route: its whole wiring is src/token-route.ts.
  app.all(DEMO_ROUTES.token, ...tokenRoute(config, { sessionsOf, ...(logger === undefined ? {} : { logger }) }));

  app.onError(jsonErrors);
  return app;
}

/** The app's own failures as JSON, never a stack trace; on the token route in Ably's error shape, so the Ably client reports them properly. */
function jsonErrors(error: Error, c: Context<WorkersExampleEnv>): Response {
  if (error instanceof HTTPException && error.status < 500) return c.json({ error: 'The request could not be processed.' }, error.status);
  console.error('Workers example: request failed', error);
  // c.req.path is the app's getPath: lower case, no trailing slash.
  if (c.req.path === DEMO_ROUTES.token) {
    const { status, headers, body } = refusalResponse(500, 'The server failed; it has logged the cause.');
    return new Response(body, { status, headers });
  }
  return c.json({ error: 'The server failed; it has logged the cause.' }, 500);
}
