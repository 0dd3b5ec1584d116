import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TokenRoute } from '@ably-chat-auth/core';
import { createAdapterTokenRoute, resolveLogger, resolveTokenPath, writeTokenRouteResponse, type TokenRouteAdapterOptions } from '@ably-chat-auth/core/adapter';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    /**
     * The signed-in user, as Passport (`@types/passport`) declares it on `req.user`. Augment it in
     * your app (`declare global { namespace Express { interface User { id: string } } }`) and the
     * policy's `user` parameter is typed for free.
     */
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User {}
  }
}

/**
 * Options of {@link createTokenHandler}: core's token route options (`@ably-chat-auth/core`'s
 * `TokenRouteOptions`), with `resolveUser` optional: without it the user is `req.user`, the
 * Passport convention.
 */
export type ExpressTokenHandlerOptions<User = Express.User> = TokenRouteAdapterOptions<User, Request>;

/** Options of {@link createTokenMiddleware}: {@link ExpressTokenHandlerOptions} plus the `path` it answers. */
export type ExpressTokenMiddlewareOptions<User = Express.User> = ExpressTokenHandlerOptions<User> & {
  /**
   * The exact path the middleware answers, relative to where it is mounted. Default: the mount
   * path itself (`app.use('/api/ably-token', middleware)`). Required with `app.use(middleware)`.
   */
  path?: string;
};

/** An Express handler serving the token route, with the core route behind it. */
export type ExpressTokenHandler<User = Express.User> = RequestHandler & { readonly route: TokenRoute<User, Request> };

/**
 * Answers with core. Core never rejects; a failure to write the answer (an app's header hook
 * throwing) goes to Express's error handlers with `next(err)`, never an unhandled rejection.
 */
function answer<User>(route: TokenRoute<User, Request>, req: Request, res: Response, next: NextFunction): void {
  route
    .handle({ method: req.method, headers: req.headers, native: req })
    .then((response) => writeTokenRouteResponse(res, response))
    .catch(next);
}

/** `req.user`, where Passport and most Express auth middleware put the signed-in user. */
export function defaultResolveUser<User>(req: Request): User | undefined {
  return (req as Request & { user?: User }).user;
}

/**
 * An Express route handler answering the token route: `app.get/post/all(path, [auth,] handler)`.
 * GET and POST get a token or an Ably-shaped refusal, other methods 405; answers are final.
 *
 * @example
 * app.all('/api/ably-token', requireSession, createTokenHandler({
 *   apiKey: process.env.ABLY_API_KEY!,
 *   policy: (user: AppUser) => ({ lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 * }));
 */
export function createTokenHandler<User = Express.User>(options: ExpressTokenHandlerOptions<User>): ExpressTokenHandler<User> {
  const route = createAdapterTokenRoute<User, Request>(options, { factoryName: 'createTokenHandler', defaultResolveUser });
  return Object.assign((req: Request, res: Response, next: NextFunction): void => answer(route, req, res, next), { route });
}

const ROOT_MOUNT_WARNING =
  'createTokenMiddleware is mounted at the app root (app.use(middleware) without a path) and was given no `path`: there it would answer ' +
  "GET / (your home page) and every other request for '/' with a token. It answers nothing there and passes every request on with next(). " +
  "Mount it with app.use('/api/ably-token', createTokenMiddleware(...)), or pass path: '/api/ably-token'; as a route handler " +
  '(app.get/post/all) use createTokenHandler. This warning is logged once.';

/**
 * Express middleware answering the token route at its mount path (`app.use('/api/ably-token',
 * middleware)`) or at `path`; every other request goes on with `next()`. Mounted at the app root
 * without `path` it answers nothing (it would hide the home page) and warns once.
 *
 * @example
 * app.use('/api/ably-token', createTokenMiddleware({
 *   apiKey: process.env.ABLY_API_KEY!,
 *   resolveUser: (req) => req.session.user,
 *   policy: (user) => ({ lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 * }));
 */
export function createTokenMiddleware<User = Express.User>(options: ExpressTokenMiddlewareOptions<User>): ExpressTokenHandler<User> {
  const route = createAdapterTokenRoute<User, Request>(options, { factoryName: 'createTokenMiddleware', defaultResolveUser, adapterOptionNames: ['path'] });
  const path = options.path === undefined ? undefined : resolveTokenPath(options.path, 'createTokenMiddleware');
  const logger = resolveLogger(options.logger);
  let warned = false;
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (path !== undefined ? req.path === path : req.path === '/' && req.baseUrl !== '') {
      answer(route, req, res, next);
      return;
    }
    if (path === undefined && req.baseUrl === '' && !warned) {
      warned = true;
      logger.warn(ROOT_MOUNT_WARNING);
    }
    next();
  };
  return Object.assign(middleware, { route });
}
