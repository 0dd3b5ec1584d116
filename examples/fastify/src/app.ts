import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifySession, { type SessionStore } from '@fastify/session';
import type { Logger } from '@ably-chat-auth/core';
import { writeTokenRouteResponse } from '@ably-chat-auth/fastify';
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
import { RedisStore as RedisSessionStore } from 'connect-redis';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type onRequestAsyncHookHandler } from 'fastify';
import type { Redis } from 'ioredis';
import { createMemorySessionStore } from './memory-session-store.js';
import { limitPerAddress, type RateLimitStoreOptions } from './rate-limit.js';
import { tokenRoute } from './token-route.js';

declare module 'fastify' {
  interface Session {
    /** Set by `POST /login`; read by the token route. */
    user?: DemoUser;
  }
}

/** Name of the session cookie (its value is the session id and its signature). */
export const SESSION_COOKIE = 'chat.sid';

/** How long a login lasts. */
const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;

/** Options of {@link createApp} beyond the shared demo config. */
export interface FastifyExampleOptions {
  /** Where the token route logs faults; default `console`. */
  logger?: Logger | false;
  /**
   * Where sessions live: any @fastify/session store (express-session's store interface). Default:
   * {@link createMemorySessionStore}, one process only. A shared store lets several processes
   * serve the same logins.
   */
  sessionStore?: SessionStore;
  /** Where the rate limits count; default in memory, per process. */
  rateLimitStore?: RateLimitStoreOptions;
  /**
   * A connected client (`connectRedis(config.redisUrl)` from the shared kit): sessions
   * (connect-redis) and rate-limit counters (@fastify/rate-limit's own `redis` option) then live
   * in Redis under `demoRedisKeys('fastify')`, shared by every instance. In place of
   * `sessionStore` and `rateLimitStore`, not with them.
   */
  redis?: Redis;
}

/** Key prefixes of this app in Redis. */
const REDIS_KEYS = demoRedisKeys('fastify');
/** @fastify/rate-limit's `nameSpace`: each limit's keys add `login:` or `token:` (see limitPerAddress), which gives REDIS_KEYS' two limit prefixes. */
const RATE_LIMIT_NAMESPACE = 'fastify:rl:';

/**
 * The Fastify example, configured but not listening: the chat page, `POST /login`, `POST /logout`
 * and the ably-chat-auth plugin's token route at `/api/ably-token`, with per-IP rate limits on
 * login and tokens.
 *
 * @example
 * const app = await createApp(loadDemoConfig());
 * await app.listen({ port: 3000 });
 */
export async function createApp(config: DemoConfig, options: FastifyExampleOptions = {}): Promise<FastifyInstance> {
  const { sessionStore, rateLimitStore } = storesOf(options);
  const app = Fastify({
    // request.ip (what the rate limits count) is the address TRUST_PROXY_HOPS proxies from the
    // right of X-Forwarded-For; 0 ignores the header. Never `true`: that takes the leftmost entry,
    // which the client writes, so anyone could rotate it and never hit a limit.
    trustProxy: config.trustProxyHops,
    // Paths match as in Express: `/LOGIN` and `/login/` are the login route (and so
    // get the same cross-site refusal and limit).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    // app.close() also ends keep-alive connections, so a stop is immediate.
    forceCloseConnections: true,
  });
  // Set before any route, so they apply to every route (and to those of the nested scopes).
  app.setErrorHandler(jsonErrors);
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `Cannot ${request.method} ${request.url.split('?')[0]}` }));

  // Login CSRF: a form on another site must not sign the browser in (or out). A root hook added
  // before @fastify/session's own, so a refused request never loads a session or gets its cookie.
  app.addHook('onRequest', refuseCrossSite);

  await app.register(fastifyCookie);
  // Session data stays on the server (the cookie holds a signed random id), so logout really ends it.
  // In a shared store when one is given (Redis with `redis`), so every instance sees every login;
  // else in memory (one instance). `secure: 'auto'` marks the cookie Secure over HTTPS.
  await app.register(fastifySession, {
    cookieName: SESSION_COOKIE,
    secret: sessionSigningSecret(config.sessionSecret),
    store: sessionStore ?? createMemorySessionStore(),
    saveUninitialized: false,
    // The cookie is set at login only, not on every answer; a login lasts SESSION_MAX_AGE_MS.
    rolling: false,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: SESSION_MAX_AGE_MS },
  });
  await app.register(fastifyFormbody);

  const page = renderChatPage({ framework: 'Fastify' });
  app.get(DEMO_ROUTES.page, (_request, reply) => reply.headers(CHAT_PAGE_HEADERS).send(page));
  for (const asset of chatPageAssets) {
    // Streamed by hand: each asset is one file named by absolute path with its content type given
    // by the shared asset table, not a directory a static helper would serve.
    app.get(asset.path, async (_request, reply) => {
      const { size } = await stat(asset.file);
      return reply
        .headers({
          'Content-Type': asset.contentType,
          'Content-Length': String(size),
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'public, max-age=3600',
        })
        .send(createReadStream(asset.file));
    });
  }

  // The login route in a scope of its own, like the token route below: each holds its limiter.
  await app.register(async (loginScope) => {
    const loginLimit = await limitPerAddress(loginScope, 'login', config.loginRateLimitPerMinute, rateLimitStore, (reply, seconds) =>
      reply
        .code(429)
        .header('Retry-After', String(seconds))
        .send({ error: `Too many login attempts from your address; try again in ${seconds} s.` }),
    );
    loginScope.post(DEMO_ROUTES.login, { onRequest: loginLimit, bodyLimit: 1024 }, async (request, reply) => {
      const check = validateUsername((request.body as { username?: unknown } | undefined)?.username);
      if (!check.ok) return reply.code(400).send({ error: check.error });
      // A new session id at login, so a session id planted before login is worthless.
      await request.session.regenerate();
      request.session.user = { username: check.username };
      return { username: check.username };
    });
  });

  // Logout reads no body, and the page posts it with `Content-Type: application/json` and none,
  // which Fastify's JSON parser refuses (400). In a scope of its own, any body is left unread.
  await app.register((logoutScope, _options, done) => {
    logoutScope.removeAllContentTypeParsers();
    logoutScope.addContentTypeParser('*', (_request: FastifyRequest, _payload: unknown, done: (error: null, body?: unknown) => void) => done(null));
    logoutScope.post(DEMO_ROUTES.logout, async (request, reply) => {
      await request.session.destroy();
      return reply.clearCookie(SESSION_COOKIE, { path: '/' }).code(204).send();
    });
    done();
  });

  // The token route: its whole wiring is src/token-route.ts.
  await app.register(
    tokenRoute(config, { ...(rateLimitStore ? { rateLimitStore } : {}), ...(options.logger === undefined ? {} : { logger: options.logger }) }),
  );

  return app;
}

/** The 403 of `crossSiteRefusal` for a `POST /login` or `/logout` another website made the browser send. */
const refuseCrossSite: onRequestAsyncHookHandler = async (request, reply) => {
  // routeOptions.url is the matched route, so `/LOGIN` and `/login/` are covered too.
  const url = request.routeOptions.url;
  if (request.method !== 'POST' || (url !== DEMO_ROUTES.login && url !== DEMO_ROUTES.logout)) return;
  const refusal = crossSiteRefusal(request.headers);
  if (refusal) return reply.code(refusal.status).send(refusal.body);
};

/**
 * The signing secret @fastify/session gets. It refuses secrets shorter than 32 characters, while
 * SESSION_SECRET may be any length, so the secret is the SHA-256 of SESSION_SECRET. That adds no
 * strength: in production set a long random SESSION_SECRET.
 */
function sessionSigningSecret(sessionSecret: string): string {
  return createHash('sha256').update(sessionSecret).digest('base64url');
}

/** The stores of {@link createApp}'s options: the given ones, or both in Redis with `redis`. */
function storesOf(options: FastifyExampleOptions): Pick<FastifyExampleOptions, 'sessionStore' | 'rateLimitStore'> {
  const { redis } = options;
  if (!redis) return options;
  if (options.sessionStore || options.rateLimitStore) {
    throw new TypeError('createApp: pass either `redis` (sessions and rate limits in Redis) or `sessionStore` / `rateLimitStore`, not both.');
  }
  return {
    // connect-redis is an express-session store, whose interface @fastify/session takes as it is;
    // each session expires in Redis with its cookie.
    sessionStore: new RedisSessionStore({ client: redis, prefix: REDIS_KEYS.sessions }),
    rateLimitStore: { redis, nameSpace: RATE_LIMIT_NAMESPACE },
  };
}

/**
 * The app's own failures as JSON (malformed or oversized login bodies), never a stack trace. While
 * Redis is down the session and rate-limit stores fail: 503 with Retry-After, in Ably's shape on
 * the token route (the Ably client retries).
 */
function jsonErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // A failed request saves no session. Else @fastify/session's onSend hook saves a changed session
  // (a login's) on this answer too; with the store down that fails again, and the second failure
  // reaches Fastify's default handler, which answers 500 with the store's message. Its hook skips
  // a request without a session, as after a logout.
  (request as { session: unknown }).session = null;
  const unavailable = storeUnavailableResponse(error, request.url.split('?')[0]!);
  if (unavailable) return writeTokenRouteResponse(reply, unavailable);
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  const message =
    error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
      ? 'The request body is not valid JSON.'
      : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'The request body is too large.'
        : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Send the body as JSON or as a form.'
          : status < 500
            ? 'The request could not be processed.'
            : 'The server failed; it has logged the cause.';
  if (status >= 500) console.error('Fastify example: request failed', error);
  return reply.code(status).send({ error: message });
}
