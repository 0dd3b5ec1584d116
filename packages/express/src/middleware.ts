import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createAdapterTokenRoute, writeTokenRouteResponse, type TokenRouteAdapterOptions } from '@ably-chat-auth/core';

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
 * (see `@ably-chat-auth/core`'s `TokenRouteOptions`), with `resolveUser` optional.
 * Without it the user is `req.user`, the Passport convention.
 */
export type ExpressTokenRouteOptions<User = Express.User> = TokenRouteAdapterOptions<User, Request>;

/** `req.user`, where Passport and most Express auth middleware put the logged-in user. */
function userOfRequest<User>(req: Request): User | undefined {
  return (req as Request & { user?: User }).user;
}

interface RouteLayer {
  handle?: unknown;
}

/**
 * Creates Express middleware that answers Ably token requests: `GET`/`POST` get a signed Ably JWT
 * for the logged-in user, with the capabilities your `policy` grants. Every option is validated
 * here, so a bad key or policy fails at startup.
 *
 * Mount it with `app.use(path, middleware)` (it answers the path itself and passes sub-paths on with
 * `next()`) or as a route handler (`app.get`, `app.post`, `app.all`, after your own auth middleware
 * if you like). Answers are final: refusals are Ably-shaped 401/403/405, faults a logged 500/503;
 * only a failure of Express itself reaches `next(err)`.
 *
 * @example
 * app.use('/api/ably-token', createTokenMiddleware({
 *   apiKey: process.env.ABLY_API_KEY!,
 *   resolveUser: (req) => req.session.user,
 *   policy: (user) => ({ lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 * }));
 */
export function createTokenMiddleware<User = Express.User>(options: ExpressTokenRouteOptions<User>): RequestHandler {
  const route = createAdapterTokenRoute<User, Request>(options, userOfRequest, 'createTokenMiddleware');

  const ablyTokenMiddleware = (req: Request, res: Response, next: NextFunction): void => {
    // As a route handler (app.get/post/all) Express already matched the path exactly. Mounted with
    // app.use(path), the middleware also sees sub-paths (`/api/ably-token/x`): those are not the
    // token route, so they go on to the next handler. (req.route can be left over from an earlier
    // route that called next(), hence the check that this very function is in it.)
    const asRouteHandler = ((req.route as { stack?: RouteLayer[] } | undefined)?.stack ?? []).some((layer) => layer.handle === ablyTokenMiddleware);
    if (!asRouteHandler && req.path !== '/') {
      next();
      return;
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
