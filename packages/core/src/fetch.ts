import { createTokenRoute, type TokenRoute, type TokenRouteOptions } from './handler.js';

/** Options of {@link createFetchTokenRoute}: core's options, with the Fetch `Request` as the framework request. */
export type FetchTokenRouteOptions<User> = TokenRouteOptions<User, Request>;

/** A Fetch-API token route, with the core route it wraps. */
export type FetchTokenRouteHandler<User> = ((request: Request) => Promise<Response>) & { readonly route: TokenRoute<User, Request> };

/**
 * A token route for Fetch-style servers: Next.js route handlers, Hono, Bun, Deno, Cloudflare
 * Workers. `resolveUser` receives the `Request` (read its cookies or Authorization header).
 * The body is never read: the client's clientId/capability/ttl parameters must not matter.
 *
 * @example
 * // app/api/ably-token/route.ts (Next.js App Router)
 * const handler = createFetchTokenRoute({ apiKey: process.env.ABLY_API_KEY!, resolveUser: getSessionUser, policy });
 * export { handler as GET, handler as POST };
 */
export function createFetchTokenRoute<User = unknown>(options: FetchTokenRouteOptions<User>): FetchTokenRouteHandler<User> {
  const route = createTokenRoute<User, Request>(options);
  const handler = async (request: Request): Promise<Response> => {
    const answer = await route.handle({ method: request.method, headers: request.headers, native: request });
    // Response refuses any body, even an empty one, with 204 (the CORS preflight's answer).
    return new Response(answer.status === 204 ? null : answer.body, { status: answer.status, headers: answer.headers });
  };
  return Object.assign(handler, { route });
}

export type { TokenRouteOptions, TokenRoute } from './handler.js';
