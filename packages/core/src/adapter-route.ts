import { describeValue, invalidOptions } from './errors.js';
import { routeOf, type TokenRoute } from './token-route.js';
import { resolveTokenRouteOptions, type TokenRouteOptions, type UserResolver } from './token-route-options.js';

/** The path every adapter serves the token route at unless told otherwise. */
export const DEFAULT_TOKEN_PATH = '/api/ably-token';

/**
 * The options an adapter takes: the core's, with `resolveUser` optional because each adapter has
 * a default (`req.user`, `ctx.state.user`).
 */
export type TokenRouteAdapterOptions<User, Req> = Omit<TokenRouteOptions<User, Req>, 'resolveUser'> & {
  /** Finds the signed-in user; default: the framework's convention (see the adapter's docs). */
  resolveUser?: UserResolver<User, Req>;
};

/** How an adapter builds its route: its name, its conventional user, and the options it reads itself. */
export interface AdapterRouteSetup<User, Req> {
  /** The adapter's factory, as errors should name it (`'createTokenMiddleware'`). */
  factoryName: string;
  /** The user when the app gives no `resolveUser` (`req.user`, `ctx.state.user`). */
  defaultResolveUser: UserResolver<User, Req>;
  /** Option names the adapter reads itself (such as `path`); core never sees them. */
  adapterOptionNames?: readonly string[];
  /** Names that are not options here but belong elsewhere (name -> where), said instead of "unknown option". */
  misplacedOptions?: Readonly<Record<string, string>>;
}

/**
 * Builds the token route for an adapter: checks the option names (core's and the adapter's own,
 * with a "did you mean"), applies the adapter's conventional user when the app gives no
 * `resolveUser`, and hands core the rest. Every adapter goes through here, so they agree on
 * defaults and errors.
 *
 * @example
 * const route = createAdapterTokenRoute(options, {
 *   factoryName: 'createTokenMiddleware',
 *   defaultResolveUser: (req: { user?: AppUser }) => req.user,
 *   adapterOptionNames: ['path'],
 * });
 */
export function createAdapterTokenRoute<User, Req>(options: TokenRouteAdapterOptions<User, Req>, setup: AdapterRouteSetup<User, Req>): TokenRoute<User, Req> {
  const { factoryName, defaultResolveUser, adapterOptionNames = [], misplacedOptions } = setup;
  if (typeof options !== 'object' || options === null) {
    throw invalidOptions(`${factoryName} needs an options object with apiKey and policy (resolveUser is optional); got ${describeValue(options)}.`);
  }
  // The adapter's own options (such as `path`) are known names here, and core never reads them.
  const withUser = { ...options, resolveUser: options.resolveUser ?? defaultResolveUser } as TokenRouteOptions<User, Req>;
  return routeOf(resolveTokenRouteOptions(withUser, factoryName, adapterOptionNames, misplacedOptions));
}

/**
 * Checks an adapter's `path` option: an absolute URL path without query, fragment or white space.
 * Returns the path, or {@link DEFAULT_TOKEN_PATH} when none is given.
 */
export function resolveTokenPath(path: unknown, factoryName: string): string {
  if (path === undefined) return DEFAULT_TOKEN_PATH;
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw invalidOptions(
      `${factoryName}: path must be a URL path starting with '/' and without a query string, like '${DEFAULT_TOKEN_PATH}'; got ${typeof path === 'string' ? JSON.stringify(path.slice(0, 80)) : describeValue(path)}.`,
    );
  }
  return path;
}
