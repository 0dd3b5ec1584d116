import type { Logger } from '@ably-chat-auth/core';
import { writeTokenRouteResponse } from '@ably-chat-auth/express';
import {
  CHAT_PAGE_HEADERS,
  DEMO_ROUTES,
  chatPageAssets,
  crossSiteRefusal,
  demoRedisKeys,
  readLoginBody,
  renderChatPage,
  storeUnavailableResponse,
  validateUsername,
  type DemoConfig,
  type DemoUser,
  type LoginBody,
} from '@ably-chat-auth-examples/shared';
import { RedisStore as RedisSessionStore } from 'connect-redis';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import session from 'express-session';
import type { Redis } from 'ioredis';
import { createRedisRateLimitStore } from './redis-rate-limit-store.js';
import { retryAfterSeconds } from './retry-after.js';
import { tokenRoute } from './token-route.js';

declare module 'express-session' {
  interface SessionData {
    /** Set by `POST /login`; read by the token route. */
    user?: DemoUser;
  }
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'chat.sid';

/** Options of {@link createApp} beyond the shared demo config. */
export interface ExpressExampleOptions {
  /** Where the token route logs faults; default `console`. */
  logger?: Logger | false;
  /**
   * A connected client (`connectRedis(config.redisUrl)` from the shared kit): sessions
   * (connect-redis) and rate-limit counters (rate-limit-redis, `createRedisRateLimitStore`) then live in Redis, shared by every
   * instance. Without it they are kept in this process's memory.
   */
  redis?: Redis;
}

/** Key prefixes of this app in Redis. */
const REDIS_KEYS = demoRedisKeys('express');

/**
 * The Express example: the chat page, `POST /login`, `POST /logout` and the ably-chat-auth token
 * route, with per-IP rate limits on login and tokens.
 *
 * @example createApp(loadDemoConfig()).listen(3000)
 */
export function createApp(config: DemoConfig, options: ExpressExampleOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  // req.ip (what the rate limits count) is the address TRUST_PROXY_HOPS proxies from the right of
  // X-Forwarded-For; 0 ignores the header. Never `true`: that takes the leftmost entry, which the
  // client writes, so anyone could rotate it and never hit a limit.
  app.set('trust proxy', config.trustProxyHops);

  const page = renderChatPage({ framework: 'Express' });
  app.get(DEMO_ROUTES.page, (_req, res) => {
    res.set(CHAT_PAGE_HEADERS).send(page);
  });
  for (const asset of chatPageAssets) {
    app.get(asset.path, (_req, res, next) => {
      // dotfiles: 'allow': `send` checks every segment of an absolute path, so a checkout under a
      // dot-directory (~/.cache/...) would 404 without it. The type is the asset table's own.
      const headers = { 'Content-Type': asset.contentType, 'X-Content-Type-Options': 'nosniff' };
      res.sendFile(asset.file, { headers, maxAge: '1h', dotfiles: 'allow' }, (error) => {
        if (error) next(error);
      });
    });
  }

  // Before the session middleware, so a refused request never gets a session cookie.
  app.post([DEMO_ROUTES.login, DEMO_ROUTES.logout], refuseCrossSite);

  // Sessions in Redis when it is given, so every instance sees every login; else in memory (one
  // instance). `secure: 'auto'` marks the cookie Secure over HTTPS, also behind a TLS proxy that
  // says so in X-Forwarded-Proto (read only from the TRUST_PROXY_HOPS proxies, as req.ip is).
  const { redis } = options;
  app.use(
    session({
      ...(redis ? { store: new RedisSessionStore({ client: redis, prefix: REDIS_KEYS.sessions }) } : {}),
      name: SESSION_COOKIE,
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 8 * 60 * 60 * 1000 },
    }),
  );

  // Limits are per client IP (req.ip; see 'trust proxy' above), an IPv6 address by its /56 network
  // (express-rate-limit's default key, `ipKeyGenerator`), counted in Redis across instances when it is given.
  const loginLimit = rateLimit({
    ...(redis ? { store: createRedisRateLimitStore(redis, REDIS_KEYS.loginLimit) } : {}),
    windowMs: 60_000,
    limit: config.loginRateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      res.status(429).json({ error: `Too many login attempts from your address; try again in ${retryAfterSeconds(req)} s.` });
    },
  });

  // The shared readLoginBody rather than express.json: body-parser reads and discards the whole
  // rest of an oversized body before it answers 413; this stops reading at 1 kB.
  app.post(DEMO_ROUTES.login, loginLimit, async (req, res, next) => {
    let body: LoginBody;
    try {
      body = await readLoginBody(req);
    } catch (error) {
      return next(error);
    }
    if ('error' in body) {
      // Close the connection rather than read the rest of an oversized body.
      if (body.status === 413) res.set('Connection', 'close');
      res.status(body.status).json({ error: body.error });
      return;
    }
    const check = validateUsername(body.username);
    if (!check.ok) {
      res.status(400).json({ error: check.error });
      return;
    }
    // A new session id at login, so a session id planted before login is worthless.
    req.session.regenerate((regenerateError) => {
      if (regenerateError) return next(regenerateError);
      req.session.user = { username: check.username };
      req.session.save((saveError) => {
        if (saveError) return next(saveError);
        res.json({ username: check.username });
      });
    });
  });

  app.post(DEMO_ROUTES.logout, (req, res, next) => {
    req.session.destroy((error) => {
      if (error) return next(error);
      res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.secure });
      res.status(204).end();
    });
  });

  // The token route: its whole wiring is src/token-route.ts.
  app.all(
    DEMO_ROUTES.token,
    ...tokenRoute(config, {
      ...(redis ? { rateLimitStore: createRedisRateLimitStore(redis, REDIS_KEYS.tokenLimit) } : {}),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    }),
  );

  app.use(jsonErrors);
  return app;
}

/** Login CSRF: a form on another site must not sign the browser in (or out). */
const refuseCrossSite: RequestHandler = (req, res, next) => {
  const refusal = crossSiteRefusal(req.headers);
  if (refusal) res.status(refusal.status).json(refusal.body);
  else next();
};

/**
 * The app's own failures as JSON (malformed or oversized login bodies), never a stack trace. While
 * Redis is down the session and rate-limit stores fail: 503 with Retry-After, in Ably's shape on
 * the token route (the Ably client retries).
 */
const jsonErrors: ErrorRequestHandler = (error: { status?: unknown; type?: unknown }, req, res, next) => {
  if (res.headersSent) return next(error);
  const unavailable = storeUnavailableResponse(error, req.path);
  if (unavailable) return writeTokenRouteResponse(res, unavailable);
  const status = typeof error.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
  const message =
    error.type === 'entity.parse.failed'
      ? 'The request body is not valid JSON.'
      : error.type === 'entity.too.large'
        ? 'The request body is too large.'
        : status < 500
          ? 'The request could not be processed.'
          : 'The server failed; it has logged the cause.';
  if (status >= 500) console.error('Express example: request failed', error);
  res.status(status).json({ error: message });
};
