import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  AblyChatAuthError,
  consoleLogger,
  createAdapterTokenRoute,
  silentLogger,
  writeTokenRouteResponse,
  type Logger,
  type TokenRouteAdapterOptions,
} from '@ably-chat-auth/core';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    /**
     * The logged-in user, as Passport (`@types/passport`) declares it on `req.user`. Augment it in
     * your app (`declare global { namespace Express { interface User { id: string } } }`) and the
     * policy's `user` parameter is typed for free.
     */
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User {}
  }
}

/**
 * Options of {@link createTokenMiddleware}: core's token route options
 * (see `@ably-chat-auth/core`'s `TokenRouteOptions`), with `resolveUser` optional, plus `path`.
 * Without `resolveUser` the user is `req.user`, the Passport convention.
 *
 * @example
 * import { createTokenMiddleware, type ExpressTokenRouteOptions } from '@ably-chat-auth/express';
 * const options: ExpressTokenRouteOptions = { apiKey: process.env.ABLY_API_KEY!, policy: { lobby: 'all' }, path: '/api/ably-token' };
 * export const tokenRoute = createTokenMiddleware(options);
 */
export type ExpressTokenRouteOptions<User = Express.User> = TokenRouteAdapterOptions<User, Request> & {
  /**
   * The exact path the middleware answers (the query string is ignored), compared with `req.path`:
   * the full path with `app.use(middleware)`, the path below the mount point with
   * `app.use('/api', middleware)` or in a router. Other paths go on with `next()`. Without it, the
   * middleware answers the path it is mounted at (`app.use('/api/ably-token', middleware)`) or
   * the route it handles (`app.all('/api/ably-token', middleware)`).
   */
  path?: string;
};

/** `req.user`, where Passport and most Express auth middleware put the logged-in user. */
function userOfRequest<User>(req: Request): User | undefined {
  return (req as Request & { user?: User }).user;
}

interface RouteLayer {
  handle?: unknown;
}

/** Checked like Koa's `path`: a URL path, so a typo fails at startup rather than never matching. */
function checkPath(path: unknown): string | undefined {
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw new AblyChatAuthError(
      'ERR_INVALID_OPTIONS',
      `createTokenMiddleware: path must be a URL path starting with '/' and without a query string, like '/api/ably-token'; got ${typeof path === 'string' ? JSON.stringify(path.slice(0, 100)) : `a value of type ${path === null ? 'null' : typeof path}`}.`,
    );
  }
  return path;
}

const ROOT_MOUNT_WARNING =
  "createTokenMiddleware is mounted at the app root (app.use(middleware) without a path) and was given no `path`: there it would answer " +
  "GET / (your home page) and every other request for '/' with a token. It answers nothing there and passes every request on with next(). " +
  "Mount it with app.use('/api/ably-token', createTokenMiddleware(...)), or pass path: '/api/ably-token'. This warning is logged once.";

/**
 * Creates Express middleware that answers Ably token requests: `GET`/`POST` get a signed Ably JWT
 * for the logged-in user, with the capabilities your `policy` grants. Every option is validated
 * here, so a bad key, policy or `path` fails at startup.
 *
 * Mount it with `app.use(path, middleware)` (it answers the path itself and passes sub-paths on with
 * `next()`), with `app.use(middleware)` and the `path` option, or as a route handler (`app.get`,
 * `app.post`, `app.all`, after your own auth middleware if you like). Mounted at the app root
 * without `path` it answers nothing (it would hide `GET /`) and logs one warning. Answers are
 * final: refusals are Ably-shaped 401/403/405, faults a logged 500/503; only a failure of Express
 * itself reaches `next(err)`.
 *
 * @example
 * import express from 'express';
 * import { createTokenMiddleware, room } from '@ably-chat-auth/express';
 * declare module 'express-session' {
 *   interface SessionData { user?: { id: string } }
 * }
 * const app = express();
 * app.use('/api/ably-token', createTokenMiddleware({
 *   apiKey: process.env.ABLY_API_KEY!,
 *   resolveUser: (req) => req.session.user,
 *   policy: (user) => ({ lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 * }));
 */
export function createTokenMiddleware<User = Express.User>(options: ExpressTokenRouteOptions<User>): RequestHandler {
  // `path` is this adapter's own option: core gets the rest (a missing options object gets core's error).
  const { path: pathOption, ...routeOptions } = (typeof options === 'object' && options !== null ? options : {}) as ExpressTokenRouteOptions<User>;
  const route = createAdapterTokenRoute<User, Request>(typeof options === 'object' && options !== null ? routeOptions : options, userOfRequest, 'createTokenMiddleware');
  const path = checkPath(pathOption);
  const logger: Logger = routeOptions.logger === false ? silentLogger : (routeOptions.logger ?? consoleLogger);
  let warnedOfRootMount = false;

  const ablyTokenMiddleware = (req: Request, res: Response, next: NextFunction): void => {
    if (path !== undefined) {
      if (req.path !== path) {
        next();
        return;
      }
    } else {
      // As a route handler (app.get/post/all) Express already matched the path exactly. Mounted with
      // app.use(path), the middleware also sees sub-paths (`/api/ably-token/x`): those are not the
      // token route, so they go on to the next handler. (req.route can be left over from an earlier
      // route that called next(), hence the check that this very function is in it.)
      const asRouteHandler = ((req.route as { stack?: RouteLayer[] } | undefined)?.stack ?? []).some((layer) => layer.handle === ablyTokenMiddleware);
      if (!asRouteHandler && req.baseUrl === '') {
        // app.use(middleware) with no mount path: the "path it is mounted at" is '/', the app's home page.
        if (!warnedOfRootMount) {
          warnedOfRootMount = true;
          try {
            logger.warn(ROOT_MOUNT_WARNING);
          } catch {
            // A broken logger must not break the app's other routes.
          }
        }
        next();
        return;
      }
      if (!asRouteHandler && req.path !== '/') {
        next();
        return;
      }
    }
    // core.handle never rejects, but Express 4 would leave a rejection here unhandled: a fault while
    // writing goes to the app's error handler instead. (A synchronous throw, e.g. from a custom
    // query parser, Express itself passes to next(err).)
    route
      .handle({ method: req.method, query: req.query, body: req.body as unknown, headers: req.headers, native: req })
      .then((response) => writeTokenRouteResponse(res, response))
      .catch(next);
  };
  return ablyTokenMiddleware;
}
