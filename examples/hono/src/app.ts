import { refusalResponse, type Logger } from '@ably-chat-auth/core';
import {
  CHAT_PAGE_HEADERS,
  DEMO_ROUTES,
  chatPageAssets,
  crossSiteRefusal,
  demoRedisKeys,
  parseLoginBody,
  renderChatPage,
  storeUnavailableResponse,
  validateUsername,
  type DemoConfig,
} from '@ably-chat-auth-examples/shared';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { getPathNoStrict } from 'hono/utils/url';
import type { Redis } from 'ioredis';
import { isSecureRequest } from './client-address.js';
import { limitPerClient, type HonoExampleEnv, type RateLimitStore } from './rate-limit.js';
import { createRedisRateLimitStore } from './redis-rate-limit-store.js';
import { createRedisSessionStore } from './redis-session-store.js';
import { createMemorySessionStore, type SessionStore } from './session-store.js';
import { createSessions } from './sessions.js';
import { tokenRoute } from './token-route.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'chat.sid';

/** How long a session lasts after login. */
const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** Options of {@link createApp} beyond the shared demo config. */
export interface HonoExampleOptions {
  /** Where the token route logs faults; default `console`. */
  logger?: Logger | false;
  /** Where sessions live; default {@link createMemorySessionStore} (one process only). */
  sessionStore?: SessionStore;
  /**
   * A counter store for each rate limit, called once per limit (`'login'`, `'token'`) so each gets
   * its own counters; default hono-rate-limiter's `MemoryStore` (one process only).
   */
  rateLimitStore?: (limit: 'login' | 'token') => RateLimitStore;
  /**
   * A connected client (`connectRedis(config.redisUrl)` from the shared kit): sessions
   * (`createRedisSessionStore`) and rate-limit counters (`createRedisRateLimitStore`, hono-rate-limiter's
   * `RedisStore`) then live in Redis under `demoRedisKeys('hono')`, shared by every instance. In place
   * of `sessionStore` and `rateLimitStore`, not with them.
   */
  redis?: Redis;
}

/** Key prefixes of this app in Redis. */
const REDIS_KEYS = demoRedisKeys('hono');

/**
 * The Hono example: the chat page, `POST /login`, `POST /logout` and the ably-chat-auth token
 * route (core's Fetch route, `@ably-chat-auth/core/fetch`), with per-client rate limits on login
 * and tokens. Serve it with `@hono/node-server`.
 *
 * @example serve({ fetch: createApp(loadDemoConfig()).fetch, port: 3000 })
 */
export function createApp(config: DemoConfig, options: HonoExampleOptions = {}): Hono<HonoExampleEnv> {
  const { sessionStore, rateLimitStore } = storesOf(options);
  // Paths match as in Express and @koa/router: case-insensitive, a trailing slash ignored. So
  // `/LOGIN` and `/login/` are the login route, and the cross-site refusal below covers them too.
  const app = new Hono<HonoExampleEnv>({ getPath: (request) => getPathNoStrict(request).toLowerCase() });
  const sessions = createSessions({
    cookieName: SESSION_COOKIE,
    secret: config.sessionSecret,
    store: sessionStore ?? createMemorySessionStore(),
    maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
    // Secure over HTTPS, including behind a TLS proxy that says so (X-Forwarded-Proto, TRUST_PROXY_HOPS).
    isSecure: (c) => isSecureRequest((c as Context<HonoExampleEnv>).env.incoming, config.trustProxyHops),
  });

  const page = renderChatPage({ framework: 'Hono' });
  app.get(DEMO_ROUTES.page, (c) => c.body(page, 200, { ...CHAT_PAGE_HEADERS }));
  for (const asset of chatPageAssets) {
    // `path` names the file itself (serveStatic's dot-directory check applies to request paths
    // only). Its content type comes from the file name: set the asset table's own once the file is found.
    const assetHeaders: MiddlewareHandler<HonoExampleEnv> = async (c, next) => {
      await next();
      if (!c.res.ok) return;
      c.header('Content-Type', asset.contentType);
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Cache-Control', 'public, max-age=3600');
    };
    app.get(asset.path, assetHeaders, serveStatic({ path: asset.file }));
  }

  // Login CSRF: a form on another site must not sign the browser in (or out). First on these
  // routes, so a refused request never reaches the rate limit or the session.
  app.on('POST', [DEMO_ROUTES.login, DEMO_ROUTES.logout], async (c, next) => {
    const refusal = crossSiteRefusal(c.req.raw.headers);
    if (refusal) return c.json(refusal.body, refusal.status);
    await next();
  });

  const loginLimit = limitPerClient(config.trustProxyHops, config.loginRateLimitPerMinute, rateLimitStore?.('login'), (c, seconds) =>
    c.json({ error: `Too many login attempts from your address; try again in ${seconds} s.` }, 429, { 'Retry-After': String(seconds) }),
  );

  const loginBodyLimit = bodyLimit({ maxSize: 1024, onError: (c) => c.json({ error: 'The request body is too large.' }, 413) });

  app.post(DEMO_ROUTES.login, loginLimit, loginBodyLimit, async (c) => {
    // Read within loginBodyLimit's 1 kB, then parsed as every example does (JSON or a form).
    const body = parseLoginBody(c.req.header('content-type'), await c.req.text());
    if ('error' in body) return c.json({ error: body.error }, body.status);
    const check = validateUsername(body.username);
    if (!check.ok) return c.json({ error: check.error }, 400);
    // A new session id at login, so a session id planted before login is worthless.
    await sessions.start(c, { username: check.username });
    return c.json({ username: check.username });
  });

  app.post(DEMO_ROUTES.logout, async (c) => {
    await sessions.end(c);
    return c.body(null, 204);
  });

  // The token route: its whole wiring is src/token-route.ts.
  app.all(
    DEMO_ROUTES.token,
    ...tokenRoute(config, {
      sessions,
      ...(rateLimitStore ? { rateLimitStore: rateLimitStore('token') } : {}),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    }),
  );

  app.onError(jsonErrors);
  return app;
}

/** The stores of {@link createApp}'s options: the given ones, or both in Redis with `redis`. */
function storesOf(options: HonoExampleOptions): Pick<HonoExampleOptions, 'sessionStore' | 'rateLimitStore'> {
  const { redis } = options;
  if (!redis) return options;
  if (options.sessionStore || options.rateLimitStore) {
    throw new TypeError('createApp: pass either `redis` (sessions and rate limits in Redis) or `sessionStore` / `rateLimitStore`, not both.');
  }
  return {
    sessionStore: createRedisSessionStore(redis, REDIS_KEYS.sessions),
    rateLimitStore: (limit) => createRedisRateLimitStore(redis, limit === 'login' ? REDIS_KEYS.loginLimit : REDIS_KEYS.tokenLimit),
  };
}

/**
 * The app's own failures as JSON, never a stack trace; on the token route in Ably's error shape,
 * so the Ably client reports them properly. While Redis is down the session and rate-limit stores
 * fail: 503 with Retry-After (the Ably client retries).
 */
function jsonErrors(error: Error, c: Context<HonoExampleEnv>): Response {
  const unavailable = storeUnavailableResponse(error, c.req.path);
  if (unavailable) return new Response(unavailable.body, { status: unavailable.status, headers: unavailable.headers });
  if (error instanceof HTTPException && error.status < 500) return c.json({ error: 'The request could not be processed.' }, error.status);
  console.error('Hono example: request failed', error);
  // c.req.path is the app's getPath: lower case, no trailing slash.
  if (c.req.path === DEMO_ROUTES.token) {
    const { status, headers, body } = refusalResponse(500, 'The server failed; it has logged the cause.');
    return new Response(body, { status, headers });
  }
  return c.json({ error: 'The server failed; it has logged the cause.' }, 500);
}
