import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Logger } from '@ably-chat-auth/core';
import { writeTokenRouteResponse } from '@ably-chat-auth/koa';
import {
  CHAT_PAGE_HEADERS,
  DEMO_ROUTES,
  chatPageAssets,
  crossSiteRefusal,
  demoRedisKeys,
  renderChatPage,
  storeUnavailableResponse,
  validateUsername,
  type DemoConfig,
  type DemoUser,
} from '@ably-chat-auth-examples/shared';
import type { Redis } from 'ioredis';
import Koa, { type DefaultState, type Middleware, type ParameterizedContext } from 'koa';
import session from 'koa-session';
import { createMemorySessionStore } from './memory-session-store.js';
import { limitPerIp } from './rate-limit.js';
import { createRedisSessionStore } from './redis-session-store.js';
import { tokenRoute } from './token-route.js';

/** Name of the session cookie (koa-session also sets `chat.sid.sig`, its signature). */
export const SESSION_COOKIE = 'chat.sid';

/** The part of koa-session's `ctx.session` this app uses. */
export interface DemoSession {
  /** Set by `POST /login`; read by the token route. */
  user?: DemoUser;
  /** A new session id with the same data (koa-session). */
  regenerate(): Promise<void>;
}

/** What this app's middleware sees on `ctx` besides Koa's own (typed here, not by global augmentation). */
export interface DemoContext {
  session: DemoSession | null;
}

type AppContext = ParameterizedContext<DefaultState, DemoContext>;
type AppMiddleware = Middleware<DefaultState, DemoContext>;

/** Options of {@link createApp} beyond the shared demo config. */
export interface KoaExampleOptions {
  /** Where the token route logs faults; default `console`. */
  logger?: Logger | false;
  /**
   * A connected client (`connectRedis(config.redisUrl)` from the shared kit): sessions
   * (`createRedisSessionStore`) and rate-limit counters (koa-ratelimit's Redis driver) then live
   * in Redis, shared by every instance. Without it they are kept in this process's memory.
   */
  redis?: Redis;
}

/** Key prefixes of this app in Redis. */
const REDIS_KEYS = demoRedisKeys('koa');

/**
 * The Koa example: the chat page, `POST /login`, `POST /logout` and the ably-chat-auth token route
 * (`createTokenHandler` on `@koa/router`), with per-IP rate limits on login and tokens.
 *
 * @example createApp(loadDemoConfig()).listen(3000)
 */
export function createApp(config: DemoConfig, options: KoaExampleOptions = {}): Koa<DefaultState, DemoContext> {
  const app = new Koa<DefaultState, DemoContext>();
  // ctx.ip (what the rate limits count by) is the address TRUST_PROXY_HOPS proxies from the right
  // of X-Forwarded-For; 0 ignores the header. `proxy` without `maxIpsCount` would take the leftmost
  // entry, which the client writes, so anyone could rotate it and never hit a limit.
  app.proxy = config.trustProxyHops > 0;
  app.maxIpsCount = config.trustProxyHops;
  // Signs the session cookie.
  app.keys = [config.sessionSecret];
  app.use(jsonErrors);
  // Login CSRF: a form on another site must not sign the browser in (or out). A router of its own,
  // so it matches the paths the main router does (case, trailing slash), mounted before the
  // session middleware so a refused request never touches the session or gets its cookie.
  const sameSiteOnly = new Router<DefaultState, DemoContext>();
  sameSiteOnly.post([DEMO_ROUTES.login, DEMO_ROUTES.logout], refuseCrossSite);
  app.use(sameSiteOnly.routes());
  // Session data stays on the server (the cookie holds a random id), so logout really ends it: in
  // Redis when it is given, so every instance sees every login; else in memory (one instance).
  // In production also set `secure: true`.
  const { redis } = options;
  const store = redis ? createRedisSessionStore(redis, REDIS_KEYS.sessions) : createMemorySessionStore();
  app.use(session({ key: SESSION_COOKIE, store, maxAge: 8 * 60 * 60 * 1000, httpOnly: true, sameSite: 'lax', signed: true }, app));

  const router = new Router<DefaultState, DemoContext>();

  const page = renderChatPage({ framework: 'Koa' });
  router.get(DEMO_ROUTES.page, (ctx) => {
    ctx.set(CHAT_PAGE_HEADERS);
    ctx.body = page;
  });
  for (const asset of chatPageAssets) {
    // Streamed by hand: each asset is one file named by absolute path with its content type given
    // by the shared asset table, not a directory a static helper would serve.
    router.get(asset.path, async (ctx) => {
      const { size } = await stat(asset.file);
      ctx.body = createReadStream(asset.file);
      ctx.set({ 'Content-Type': asset.contentType, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'public, max-age=3600' });
      ctx.length = size;
    });
  }

  const loginLimit = limitPerIp<DemoContext>(redis, config.loginRateLimitPerMinute, REDIS_KEYS.loginLimit.replace(/:$/, ''), (ctx, seconds) => {
    ctx.set('Retry-After', String(seconds));
    ctx.body = { error: `Too many login attempts from your address; try again in ${seconds} s.` };
  });

  router.post(DEMO_ROUTES.login, loginLimit, bodyParser({ enableTypes: ['json', 'form'], jsonLimit: '1kb', formLimit: '1kb' }), async (ctx) => {
    const check = validateUsername((ctx.request.body as { username?: unknown } | undefined)?.username);
    if (!check.ok) {
      ctx.status = 400;
      ctx.body = { error: check.error };
      return;
    }
    const current = requireSession(ctx);
    current.user = { username: check.username };
    // A new session id at login, so a session id planted before login is worthless.
    await current.regenerate();
    ctx.body = { username: check.username };
  });

  router.post(DEMO_ROUTES.logout, (ctx) => {
    // koa-session destroys the stored session and expires the cookie when the response is sent.
    ctx.session = null;
    ctx.status = 204;
  });

  // The token route: its whole wiring is src/token-route.ts.
  router.all(
    DEMO_ROUTES.token,
    ...tokenRoute<DemoContext>(config, { ...(redis ? { redis } : {}), ...(options.logger === undefined ? {} : { logger: options.logger }) }),
  );

  app.use(router.routes());
  return app;
}

const refuseCrossSite: AppMiddleware = async (ctx, next) => {
  const refusal = crossSiteRefusal(ctx.headers);
  if (!refusal) {
    await next();
    return;
  }
  ctx.status = refusal.status;
  ctx.body = refusal.body;
};

function requireSession(ctx: AppContext): DemoSession {
  if (!ctx.session) throw new Error('koa-session is not mounted before the login route.');
  return ctx.session;
}

/**
 * The app's own failures as JSON (malformed or oversized login bodies), never a stack trace. While
 * Redis is down the session and rate-limit stores fail: 503 with Retry-After, in Ably's shape on
 * the token route (the Ably client retries).
 */
const jsonErrors: AppMiddleware = async (ctx, next) => {
  try {
    await next();
  } catch (caught) {
    const unavailable = storeUnavailableResponse(caught, ctx.path);
    if (unavailable) {
      writeTokenRouteResponse(ctx, unavailable);
      return;
    }
    const error = caught as { status?: unknown; type?: unknown } | null;
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    const message =
      status === 400 && caught instanceof SyntaxError
        ? 'The request body is not valid JSON.'
        : error?.type === 'entity.too.large'
          ? 'The request body is too large.'
          : status < 500
            ? 'The request could not be processed.'
            : 'The server failed; it has logged the cause.';
    if (status >= 500) console.error('Koa example: request failed', caught);
    ctx.status = status;
    ctx.body = { error: message };
  }
};
