import type { ServerResponse } from 'node:http';
import { AblyChatAuthError } from './errors.js';
import { createTokenRoute, type TokenRoute, type TokenRouteOptions, type TokenRouteResponse, type UserResolver } from './handler.js';

/**
 * The options an adapter takes: the core's, with `resolveUser` optional because each adapter has
 * a default (`req.user`, `ctx.state.user`).
 */
export type TokenRouteAdapterOptions<User, Req> = Omit<TokenRouteOptions<User, Req>, 'resolveUser'> & {
  /** Finds the logged-in user; default: the framework's convention (see the adapter's docs). */
  resolveUser?: UserResolver<User, Req>;
};

/**
 * Builds the token route for an adapter: its options, with the adapter's conventional user
 * (`req.user`, `ctx.state.user`) when the app gives no `resolveUser`. Every adapter goes through
 * here, so they agree on defaults and on the error for a missing options object.
 * @example createAdapterTokenRoute(options, (req) => req.user, 'createTokenMiddleware')
 */
export function createAdapterTokenRoute<User, Req>(
  options: TokenRouteAdapterOptions<User, Req>,
  defaultResolveUser: UserResolver<User, Req>,
  factoryName: string,
): TokenRoute<User, Req> {
  if (typeof options !== 'object' || options === null) {
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', `${factoryName} needs an options object with apiKey and policy (resolveUser is optional).`);
  }
  return createTokenRoute<User, Req>({ ...options, resolveUser: options.resolveUser ?? defaultResolveUser });
}

/**
 * Writes a core answer to a Node `ServerResponse` (Express, Koa's `ctx.res`, Fastify's `reply.raw`).
 * Does nothing when the client has gone or the app already answered, so a disconnect mid-request
 * is never reported as a fault.
 */
export function writeTokenRouteResponse(res: ServerResponse, response: TokenRouteResponse): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', Buffer.byteLength(response.body));
  res.end(response.body);
}
