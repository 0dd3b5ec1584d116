import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DemoConfig } from '@ably-chat-auth-examples/shared';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import { AppModule, REDIS_KEYS, type NestExampleOptions } from './app.module.js';
import { SESSION_COOKIE, SESSION_MAX_AGE_MS } from './demo-session.js';
import { sessionStoreErrors } from './json-error.filter.js';
import { UNPREFIXED_PATHS } from './page.controller.js';

/**
 * The NestJS example, configured but not listening: the chat page, `POST /login`, `POST /logout`
 * and `AblyChatAuthModule`'s token route at `/api/ably-token`, with per-IP rate limits.
 *
 * @example const app = await createApp(loadDemoConfig()); await app.listen(3000);
 */
export async function createApp(config: DemoConfig, options: NestExampleOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forDemo(config, options), {
    // See the login's body below.
    bodyParser: false,
    // app.close() also ends keep-alive connections, so a stop is immediate.
    forceCloseConnections: true,
    logger: options.logger === false ? false : ['error', 'warn'],
  });
  app.disable('x-powered-by');
  // req.ip (what the throttlers count) is the address TRUST_PROXY_HOPS proxies from the right of
  // X-Forwarded-For; 0 ignores the header. Never `true`: that takes the leftmost entry, which the
  // client writes, so anyone could rotate it and never hit a limit.
  app.set('trust proxy', config.trustProxyHops);
  // No body parser: the login reads its own body with the shared readLoginBody, which stops at
  // 1 kB (body-parser reads and discards the whole rest of an oversized body before it answers),
  // and the token route ignores the parameters ably-js may POST.
  // Sessions in Redis when it is given (connect-redis), so every instance sees every login; else in
  // memory (one instance). `secure: 'auto'` marks the cookie Secure over HTTPS, also behind a TLS proxy that
  // says so in X-Forwarded-Proto (read only from the TRUST_PROXY_HOPS proxies). saveUninitialized: false (and no `rolling`) is what keeps a login refused by SameSiteGuard,
  // which runs after this middleware, from getting a session cookie.
  app.use(
    session({
      ...(options.redis ? { store: new RedisStore({ client: options.redis, prefix: REDIS_KEYS.sessions }) } : {}),
      name: SESSION_COOKIE,
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: SESSION_MAX_AGE_MS },
    }),
  );
  app.use(sessionStoreErrors);
  // The token route lives under /api; the page, its files, login and logout at the root, where the shared page expects them.
  app.setGlobalPrefix('api', { exclude: [...UNPREFIXED_PATHS] });
  return app;
}
