import { createTokenRoute, type TokenRoute } from './token-route.js';
import type { TokenRouteOptions } from './token-route-options.js';

/**
 * What a Fetch token route is called with: the Fetch `Request` itself, or a framework's request
 * context that holds it as `request` (SvelteKit's `RequestEvent`, Astro's `APIContext`, React
 * Router's loader and action arguments, Elysia's and TanStack Start's handler contexts).
 */
export type FetchTokenRouteInput = Request | { readonly request: Request };

/**
 * Options of {@link createFetchTokenRoute}: core's options, where the framework request is what the
 * route is called with (`Input`): the `Request`, or the framework's context holding it.
 */
export type FetchTokenRouteOptions<User, Input extends FetchTokenRouteInput = Request> = TokenRouteOptions<User, Input>;

/** A Fetch-API token route, with the core route it wraps. */
export type FetchTokenRouteHandler<User, Input extends FetchTokenRouteInput = Request> = ((input: Input) => Promise<Response>) & {
  readonly route: TokenRoute<User, Input>;
};

/**
 * A token route for Fetch-style servers: Next.js route handlers, Hono, Bun, Deno, Cloudflare
 * Workers, and frameworks whose handlers receive a context holding the `Request` as `request`
 * (SvelteKit, Astro, React Router, Elysia, TanStack Start): pass the context itself, and
 * `resolveUser` (and `policy`, `claims`, hooks) receive it, so the user comes from the framework's
 * own session (`locals`, `cookies`, `session`). The body is never read: the client's
 * clientId/capability/ttl parameters must not matter.
 *
 * @example
 * // app/api/ably-token/route.ts (Next.js App Router)
 * const handler = createFetchTokenRoute({ apiKey: process.env.ABLY_API_KEY!, resolveUser: getSessionUser, policy });
 * export { handler as GET, handler as POST };
 * @example
 * // src/routes/api/ably-token/+server.ts (SvelteKit: the event, with the user your `handle` hook put in `locals`)
 * const tokenRoute = createFetchTokenRoute({ apiKey: () => process.env.ABLY_API_KEY!, resolveUser: (event: RequestEvent) => event.locals.user, policy });
 * export { tokenRoute as GET, tokenRoute as POST, tokenRoute as fallback };
 */
export function createFetchTokenRoute<User = unknown, Input extends FetchTokenRouteInput = Request>(
  options: FetchTokenRouteOptions<User, Input>,
): FetchTokenRouteHandler<User, Input> {
  const route = createTokenRoute<User, Input>(options);
  const handler = async (input: Input): Promise<Response> => {
    const request = requestOf(input);
    const answer = await route.handle({ method: request.method, headers: request.headers, native: input });
    // Response refuses any body, even an empty one, with 204 (the CORS preflight's answer).
    return new Response(answer.status === 204 ? null : answer.body, { status: answer.status, headers: answer.headers });
  };
  return Object.assign(handler, { route });
}

/**
 * The `Request` in what a framework handed the route. Duck-typed, not `instanceof Request`: a
 * framework or test runner may bring its own `Request` class (undici's, Bun's, a polyfill). A
 * request is taken as it is before any `request` property is read: Next.js's edge runtime hands
 * route handlers a `NextRequest` whose `request` getter throws.
 */
function requestOf(input: FetchTokenRouteInput): Request {
  const request = isRequestLike(input) ? input : isObject(input) && isRequestLike(input.request) ? input.request : undefined;
  if (!request) {
    throw new TypeError(
      'The Fetch token route was called with neither a Fetch Request nor a context holding one as `request`: pass the Request (Next.js, Hono: `c.req.raw`, h3: `toWebRequest(event)`) or the framework context that has it (SvelteKit event, Astro context, React Router loader args).',
    );
  }
  return request;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isRequestLike(value: unknown): value is Request {
  return isObject(value) && typeof value.method === 'string' && isObject(value.headers) && typeof (value.headers as { get?: unknown }).get === 'function';
}

export type { TokenRoute } from './token-route.js';
export type { TokenRouteOptions } from './token-route-options.js';
