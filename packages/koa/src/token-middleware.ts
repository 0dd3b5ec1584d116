import type { DefaultContext, DefaultState, Middleware, Next, ParameterizedContext } from 'koa';
import {
  AblyChatAuthError,
  createAdapterTokenRoute,
  type TokenRoute,
  type TokenRouteAdapterOptions,
  type TokenRouteResponse,
  type UserResolver,
} from '@ably-chat-auth/core';

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

/** A Koa middleware serving the token route, with the core route it wraps (for `route.issueForUser`). */
export type KoaTokenMiddleware<User = unknown, StateT = DefaultState, ContextT = DefaultContext> = Middleware<StateT, ContextT> & {
  /** The framework-free token route behind this middleware. */
  readonly route: TokenRoute<User, KoaTokenContext<StateT, ContextT>>;
};

/** The default token route path. */
export const DEFAULT_TOKEN_PATH = '/api/ably-token';

/** The default resolver: the user an auth middleware left on `ctx.state.user`. */
export function userFromState<User = unknown>(ctx: { state: unknown }): User | undefined {
  const state = ctx.state as { user?: User } | undefined;
  return state?.user;
}

function routeFor<User, StateT, ContextT>(
  options: KoaTokenHandlerOptions<User, StateT, ContextT>,
  factoryName: string,
): TokenRoute<User, KoaTokenContext<StateT, ContextT>> {
  // `path` (middleware form) rides along harmlessly: core reads only its own options.
  return createAdapterTokenRoute(options, userFromState as UserResolver<User, KoaTokenContext<StateT, ContextT>>, factoryName);
}

/**
 * Writes the core's answer through Koa (not `ctx.res`), so logging, CORS and error middleware
 * upstream still see the status and headers. Headers go on after the body: a string body makes Koa
 * infer `text/plain`, which must not replace `application/jwt`.
 */
function respond(ctx: ParameterizedContext<unknown, unknown>, response: TokenRouteResponse): void {
  ctx.status = response.status;
  ctx.body = response.body;
  ctx.set(response.headers);
}

async function answer<User, StateT, ContextT>(
  route: TokenRoute<User, KoaTokenContext<StateT, ContextT>>,
  ctx: KoaTokenContext<StateT, ContextT>,
): Promise<void> {
  const response = await route.handle({
    method: ctx.method,
    query: ctx.query,
    body: (ctx.request as { body?: unknown }).body,
    headers: ctx.headers,
    native: ctx,
  });
  respond(ctx as ParameterizedContext<unknown, unknown>, response);
}

/**
 * A Koa handler answering the token route, for `@koa/router` (or any place that has already matched
 * the path). GET and POST get a token or an Ably-shaped error; other methods get 405.
 *
 * @example
 * const router = new Router();
 * router.all('/api/ably-token', createTokenHandler({
 *   apiKey: process.env.ABLY_API_KEY!,
 *   policy: (user: { id: string }) => ({ lobby: 'all', [`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 * }));
 */
export function createTokenHandler<User = unknown, StateT = DefaultState, ContextT = DefaultContext>(
  options: KoaTokenHandlerOptions<User, StateT, ContextT>,
): KoaTokenMiddleware<User, StateT, ContextT> {
  const route = routeFor(options, 'createTokenHandler');
  const handler = (ctx: KoaTokenContext<StateT, ContextT>): Promise<void> => answer(route, ctx);
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
 * app.use(createTokenMiddleware({
 *   apiKey: process.env.ABLY_API_KEY!,
 *   policy: { lobby: 'all' },
 * }));
 */
export function createTokenMiddleware<User = unknown, StateT = DefaultState, ContextT = DefaultContext>(
  options: KoaTokenMiddlewareOptions<User, StateT, ContextT>,
): KoaTokenMiddleware<User, StateT, ContextT> {
  const route = routeFor(options, 'createTokenMiddleware');
  const path = options.path ?? DEFAULT_TOKEN_PATH;
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', `path must be a URL path starting with '/' and without a query string, like '${DEFAULT_TOKEN_PATH}'; got ${JSON.stringify(path)}.`);
  }
  const middleware = (ctx: KoaTokenContext<StateT, ContextT>, next: Next): Promise<unknown> => (ctx.path === path ? answer(route, ctx) : next());
  return Object.assign(middleware, { route });
}
