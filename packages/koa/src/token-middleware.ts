import type { DefaultContext, DefaultState, Middleware, Next, ParameterizedContext } from 'koa';
import type { TokenRoute } from '@ably-chat-auth/core';
import { createAdapterTokenRoute, resolveTokenPath, type TokenRouteAdapterOptions, type TokenRouteResponse } from '@ably-chat-auth/core/adapter';

/** The Koa context the resolver and the policy receive. */
export type KoaTokenContext<StateT = DefaultState, ContextT = DefaultContext> = ParameterizedContext<StateT, ContextT>;

/**
 * Options of {@link createTokenHandler}: the core's token route options; `resolveUser` defaults to
 * `ctx.state.user` (the koa-passport / koa-jwt convention). The resolver and the policy get the Koa `ctx`.
 */
export type KoaTokenHandlerOptions<User = unknown, StateT = DefaultState, ContextT = DefaultContext> = TokenRouteAdapterOptions<
  User,
  KoaTokenContext<StateT, ContextT>
>;

/** Options of {@link createTokenMiddleware}: {@link KoaTokenHandlerOptions} plus the route's `path`. */
export type KoaTokenMiddlewareOptions<User = unknown, StateT = DefaultState, ContextT = DefaultContext> = KoaTokenHandlerOptions<User, StateT, ContextT> & {
  /** The exact path the token route answers (the query string is ignored). Default `'/api/ably-token'`. */
  path?: string;
};

/** A Koa middleware serving the token route, with the core route behind it (for `route.issueForUser`). */
export type KoaTokenHandler<User = unknown, StateT = DefaultState, ContextT = DefaultContext> = Middleware<StateT, ContextT> & {
  /** The framework-free token route behind this middleware. */
  readonly route: TokenRoute<User, KoaTokenContext<StateT, ContextT>>;
};

/** The default resolver: the user an auth middleware left on `ctx.state.user`. */
export function defaultResolveUser<User = unknown>(ctx: { state: unknown }): User | undefined {
  return (ctx.state as { user?: User } | undefined)?.user;
}

/**
 * Writes core's answer through Koa (not `ctx.res`), so logging, CORS and error middleware
 * upstream still see the status and headers. Headers go on before the body: core's answers always
 * carry their `Content-Type`, so Koa then keeps it and skips inferring `text/plain` from the string.
 *
 * @example
 * writeTokenRouteResponse(ctx, refusalResponse(429, 'Too many token requests.'));
 */
export function writeTokenRouteResponse(
  ctx: { status: number; body: unknown; set(headers: Record<string, string>): void },
  response: TokenRouteResponse,
): void {
  ctx.status = response.status;
  ctx.set(response.headers);
  ctx.body = response.body;
}

function routeFor<User, StateT, ContextT>(options: KoaTokenMiddlewareOptions<User, StateT, ContextT>, factoryName: string) {
  return createAdapterTokenRoute<User, KoaTokenContext<StateT, ContextT>>(options, { factoryName, defaultResolveUser, adapterOptionNames: ['path'] });
}

/**
 * A Koa handler answering the token route, for `@koa/router` (or any place that has already
 * matched the path). GET and POST get a token or an Ably-shaped error; other methods get 405.
 *
 * @example
 * router.all('/api/ably-token', createTokenHandler({
 *   apiKey: process.env.ABLY_API_KEY!,
 *   policy: (user: { id: string }) => ({ lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 * }));
 */
export function createTokenHandler<User = unknown, StateT = DefaultState, ContextT = DefaultContext>(
  options: KoaTokenHandlerOptions<User, StateT, ContextT>,
): KoaTokenHandler<User, StateT, ContextT> {
  const route = routeFor(options, 'createTokenHandler');
  const handler = async (ctx: KoaTokenContext<StateT, ContextT>): Promise<void> => {
    writeTokenRouteResponse(ctx, await route.handle({ method: ctx.method, headers: ctx.headers, native: ctx }));
  };
  return Object.assign(handler, { route });
}

/**
 * A Koa middleware that answers the token route at `path` (exact match; default
 * `/api/ably-token`) and passes every other request on. Mount it after your session or auth
 * middleware, which should leave the user on `ctx.state.user` (or pass `resolveUser`).
 *
 * @example
 * app.use(session(app));
 * app.use(loadUser); // sets ctx.state.user
 * app.use(createTokenMiddleware({ apiKey: process.env.ABLY_API_KEY!, policy: { lobby: 'all' } }));
 */
export function createTokenMiddleware<User = unknown, StateT = DefaultState, ContextT = DefaultContext>(
  options: KoaTokenMiddlewareOptions<User, StateT, ContextT>,
): KoaTokenHandler<User, StateT, ContextT> {
  const route = routeFor(options, 'createTokenMiddleware');
  const path = resolveTokenPath(options.path, 'createTokenMiddleware');
  const middleware = async (ctx: KoaTokenContext<StateT, ContextT>, next: Next): Promise<unknown> => {
    if (ctx.path !== path) return next();
    writeTokenRouteResponse(ctx, await route.handle({ method: ctx.method, headers: ctx.headers, native: ctx }));
  };
  return Object.assign(middleware, { route });
}
