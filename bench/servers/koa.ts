/* Koa 3, one route per process (see shared.ts): the adapter's middleware
 * (createTokenMiddleware({ path })), or a hand-written middleware answering the same kind of path. */
import type { Server } from 'node:http';
import type { Context, Middleware, Next } from 'koa';
import { createTokenMiddleware } from '@ably-chat-auth/koa';
import { requireFrom } from './deps';
import { API_KEY, ROUTES, TOKEN_HEADERS, chatPolicy, routeToServe, runBenchServer, signerOf, userFromHeader, type BenchUser } from './shared';

const Koa = requireFrom('koa')('koa') as typeof import('koa');

function referenceRoute(path: string, sign: (userId: string) => string): Middleware {
  return (ctx: Context, next: Next): Promise<void> | void => {
    if (ctx.path !== path) return next();
    const user = userFromHeader(ctx.headers);
    if (!user) {
      ctx.status = 401;
      ctx.body = { error: { message: 'Not signed in', code: 40100, statusCode: 401 } };
      return;
    }
    ctx.body = sign(user.id);
    ctx.set(TOKEN_HEADERS);
  };
}

const route = routeToServe();
runBenchServer('koa', route, async () => {
  const app = new Koa();
  // When a load run ends, the client closes sockets with pipelined requests still in flight: writing
  // those answers fails with EPIPE/ECONNRESET, which Koa would log. Anything else is still reported.
  app.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') console.error(error);
  });
  app.use(
    route === 'adapter'
      ? (createTokenMiddleware<BenchUser>({
          path: ROUTES.adapter,
          apiKey: API_KEY,
          resolveUser: (ctx) => userFromHeader(ctx.headers),
          policy: chatPolicy,
          logger: false,
        }) as Middleware)
      : referenceRoute(ROUTES[route], signerOf(route)),
  );
  return new Promise<Server>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
});
