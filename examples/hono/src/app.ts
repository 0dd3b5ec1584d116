import { recordRateLimited, refusalResponse, type Logger } from '@ably-chat-auth/core';
import { createFetchTokenRoute } from '@ably-chat-auth/core/fetch';
import {
  CHAT_PAGE_HEADERS,
  DEMO_ROUTES,
  chatPageAssets,
  crossSiteRefusal,
  demoClientId,
  demoPolicy,
  demoRedisKeys,
  demoUserClaims,
  rateLimitKey,
  renderChatPage,
  storeUnavailableResponse,
  validateUsername,
  type DemoConfig,
  type DemoUser,
} from '@ably-chat-auth-examples/shared';
import type { HttpBindings } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context, type HonoRequest, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { getPathNoStrict } from 'hono/utils/url';
import { rateLimiter, type RateLimitInfo, type Store } from 'hono-rate-limiter';
import type { Redis } from 'ioredis';
import { clientAddress, isSecureRequest } from './client-address.js';
import { createRedisRateLimitStore } from './redis-rate-limit-store.js';
import { createRedisSessionStore } from './redis-session-store.js';
import { createMemorySessionStore, type SessionStore } from './session-store.js';
import { createSessions } from './sessions.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'chat.sid';

/** How long a session lasts after login. */
const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/**
 * The app's Hono environment: `@hono/node-server`'s bindings (the Node request, for the client
 * address) and what hono-rate-limiter puts on the context.
 */
export interface HonoExampleEnv {
  Bindings: HttpBindings;
  Variables: { rateLimit: RateLimitInfo };
}

/** A hono-rate-limiter store, such as its `MemoryStore` or `RedisStore`. */
export type RateLimitStore = Store<HonoExampleEnv>;

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
    // `path` names the file itself, which serveStatic serves even under node_modules/.pnpm/ (its
    // dot-directory check applies to request paths only). Its content type comes from the file
    // name, which is wrong for the SDK's `.cjs` build: set the asset's own once the file is found.
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

  // Limits are per client address (see clientAddress: TRUST_PROXY_HOPS), an IPv6 one by its /56
  // network (rateLimitKey): one IPv6 client usually holds a whole network.
  const limitPerClient = (limit: 'login' | 'token', perMinute: number, onLimited: (c: Context<HonoExampleEnv>, seconds: number) => Response) =>
    rateLimiter<HonoExampleEnv>({
      windowMs: 60_000,
      limit: perMinute,
      standardHeaders: 'draft-7',
      keyGenerator: (c) => rateLimitKey(clientAddress(c.env.incoming, config.trustProxyHops)),
      handler: (c) => onLimited(c, retryAfterSeconds(c.get('rateLimit'))),
      ...(rateLimitStore ? { store: rateLimitStore(limit) } : {}),
    });

  const loginLimit = limitPerClient('login', config.loginRateLimitPerMinute, (c, seconds) =>
    c.json({ error: `Too many login attempts from your address; try again in ${seconds} s.` }, 429, { 'Retry-After': String(seconds) }),
  );

  // The token route answers over the limit in Ably's error shape, so the Ably client reports it properly.
  const tokenLimit = limitPerClient('token', config.tokenRateLimitPerMinute, (c, seconds) => {
    // The limiter answers before the token route runs: count the refusal in the route's metrics.
    recordRateLimited({ method: c.req.method });
    const { headers, body } = refusalResponse(429, `Too many token requests; try again in ${seconds} s.`, {
      'Retry-After': String(seconds),
    });
    return c.body(body, 429, headers);
  });

  const loginBodyLimit = bodyLimit({ maxSize: 1024, onError: (c) => c.json({ error: 'The request body is too large.' }, 413) });

  app.post(DEMO_ROUTES.login, loginLimit, loginBodyLimit, async (c) => {
    let username: unknown;
    try {
      username = await usernameOf(c.req);
    } catch (error) {
      if (error instanceof SyntaxError) return c.json({ error: 'The request body is not valid JSON.' }, 400);
      throw error;
    }
    const check = validateUsername(username);
    if (!check.ok) return c.json({ error: check.error }, 400);
    // A new session id at login, so a session id planted before login is worthless.
    await sessions.start(c, { username: check.username });
    return c.json({ username: check.username });
  });

  app.post(DEMO_ROUTES.logout, async (c) => {
    await sessions.end(c);
    return c.body(null, 204);
  });

  // Core's Fetch route as it is: it takes the Request, and every method reaches it, so others get
  // its 405 with `Allow`. The session is read just before, so that a store that fails (Redis down)
  // reaches onError, which answers 503 as for login; core answers a failing resolveUser with 500.
  const sessionUsers = new WeakMap<Request, DemoUser | undefined>();
  const tokenRoute = createFetchTokenRoute<DemoUser>({
    apiKey: config.apiKey,
    resolveUser: (request) => sessionUsers.get(request),
    policy: demoPolicy,
    userClaims: demoUserClaims,
    clientId: demoClientId,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  app.all(DEMO_ROUTES.token, tokenLimit, async (c) => {
    sessionUsers.set(c.req.raw, await sessions.userOf(c.req.raw));
    return tokenRoute(c.req.raw);
  });

  app.onError(jsonErrors);
  return app;
}

/** The login's `username`, from a JSON or an HTML form body (anything else has none). Throws SyntaxError on malformed JSON. */
async function usernameOf(request: HonoRequest): Promise<unknown> {
  const type = request.header('content-type')?.toLowerCase() ?? '';
  if (type.startsWith('application/json')) {
    const body: unknown = await request.json();
    return typeof body === 'object' && body !== null ? (body as { username?: unknown }).username : undefined;
  }
  if (type.startsWith('application/x-www-form-urlencoded')) return (await request.parseBody()).username;
  return undefined;
}

/** Whole seconds until the client's window resets, 1 to 60 (hono-rate-limiter's own Retry-After can say 0 in the last second). */
function retryAfterSeconds(info: RateLimitInfo | undefined): number {
  const resetTime = info?.resetTime;
  return resetTime ? Math.min(60, Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000))) : 60;
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
