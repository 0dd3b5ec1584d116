import type { ServerResponse } from 'node:http';
import type { TokenRouteOptions, UserResolver } from './handler.js';
import type { TokenRouteResponse } from './handler.js';

/**
 * The options an adapter takes: the core's, with `resolveUser` optional because each adapter has
 * a default (`req.user`, `ctx.state.user`).
 */
export type TokenRouteAdapterOptions<User, Req> = Omit<TokenRouteOptions<User, Req>, 'resolveUser'> & {
  /** Finds the logged-in user; default: the framework's convention (see the adapter's docs). */
  resolveUser?: UserResolver<User, Req>;
};

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
