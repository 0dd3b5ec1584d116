import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import fp from 'fastify-plugin';
import type { IssuedToken, TokenRoute } from '@ably-chat-auth/core';
import { createAdapterTokenRoute, resolveTokenPath, type TokenRouteAdapterOptions, type TokenRouteResponse } from '@ably-chat-auth/core/adapter';

/**
 * The user type the app declared on `request.user` (by `@fastify/jwt`, `@fastify/passport`, or its
 * own `declare module 'fastify' { interface FastifyRequest { user?: AppUser } }`), else `unknown`.
 * Read, never declared here: a second declaration of `user` would conflict with those plugins'.
 */
export type FastifyRequestUser = FastifyRequest extends { user?: infer User } ? NonNullable<User> : unknown;

/**
 * Options of the {@link ablyChatAuth} plugin: core's token route options with `resolveUser`
 * optional (default: `request.user`), plus the `path` of the route. The resolver and the policy
 * get the `FastifyRequest`.
 */
export type FastifyTokenPluginOptions<User = FastifyRequestUser> = TokenRouteAdapterOptions<User, FastifyRequest> & {
  /** The URL the token route answers (every method, query string ignored). Default `'/api/ably-token'`. */
  path?: string;
};

/**
 * The plugin's options under their first name.
 * @deprecated Use {@link FastifyTokenPluginOptions}: every adapter names its options
 * `<Framework>Token<Thing>Options` (`ExpressTokenMiddlewareOptions`, `KoaTokenHandlerOptions`).
 */
export type AblyChatAuthOptions<User = FastifyRequestUser> = FastifyTokenPluginOptions<User>;

/** What the plugin decorates the Fastify instance with: `app.ablyChatAuth`. */
export interface AblyChatAuthDecoration<User = FastifyRequestUser> {
  /** The framework-free token route behind the plugin's route. */
  readonly route: TokenRoute<User, FastifyRequest>;
  /** The token for a user, outside an HTTP answer (null when the policy grants nothing). */
  issueForUser(user: User, request: FastifyRequest): Promise<IssuedToken | null>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The token route of `@ably-chat-auth/fastify`, and `issueForUser` for tokens outside it. */
    ablyChatAuth: AblyChatAuthDecoration;
  }
}

const PLUGIN_NAME = '@ably-chat-auth/fastify';

// Every method core answers: GET/POST a token, OPTIONS the CORS preflight, the rest core's 405
// (a framework 404 would hide the `Allow` header ably-js and developers read).
const TOKEN_ROUTE_METHODS: HTTPMethods[] = ['GET', 'POST', 'OPTIONS', 'HEAD', 'PUT', 'PATCH', 'DELETE'];

/** The default resolver: `request.user`, where `@fastify/jwt` and `@fastify/passport` put the user. */
export function defaultResolveUser<User = FastifyRequestUser>(request: FastifyRequest): User | undefined {
  return (request as FastifyRequest & { user?: User }).user;
}

/**
 * Writes core's answer through `reply`, so `onSend`/`onResponse` hooks, the logger and plugins
 * such as `@fastify/helmet` see it as any other reply.
 *
 * @example
 * app.addHook('onRequest', async (request, reply) => {
 *   if (tooMany(request)) return writeTokenRouteResponse(reply, refusalResponse(429, 'Too many token requests.'));
 * });
 */
export function writeTokenRouteResponse(reply: FastifyReply, response: TokenRouteResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}

const plugin: FastifyPluginAsync<FastifyTokenPluginOptions> = async (fastify: FastifyInstance, options: FastifyTokenPluginOptions) => {
  // Everything is checked here, so a bad key, option or path fails `app.ready()`.
  const route = createAdapterTokenRoute<FastifyRequestUser, FastifyRequest>(options, {
    factoryName: 'ablyChatAuth',
    defaultResolveUser,
    adapterOptionNames: ['path'],
  });
  const url = resolveTokenPath(options.path, 'ablyChatAuth');
  fastify.decorate('ablyChatAuth', {
    route,
    issueForUser: (user: FastifyRequestUser, request: FastifyRequest) => route.issueForUser(user, request),
  } satisfies AblyChatAuthDecoration);

  // The route sits in its own encapsulated context: there, and only there, every content type is
  // accepted and left unread (core never reads the body), so ably-js's form-encoded POSTs do not
  // get Fastify's 415 and the app's own parsers elsewhere stay as they are.
  await fastify.register((tokenRouteContext, _options, done) => {
    tokenRouteContext.removeAllContentTypeParsers();
    tokenRouteContext.addContentTypeParser('*', (_request: FastifyRequest, _payload: unknown, done: (err: null, body?: unknown) => void) => done(null));
    tokenRouteContext.route({
      method: TOKEN_ROUTE_METHODS,
      url,
      // core's promise, then the answer: no async function (and its promise) around it per request.
      handler: (request, reply) =>
        route.handle({ method: request.method, headers: request.headers, native: request }).then((response) => writeTokenRouteResponse(reply, response)),
    });
    done();
  });
};

/**
 * The Fastify plugin serving the Ably Chat token route at `path` (default `/api/ably-token`).
 * Register it after the plugin that sets `request.user` (or pass `resolveUser`). It decorates the
 * instance with `app.ablyChatAuth` (`route`, `issueForUser`).
 *
 * @example
 * await app.register(ablyChatAuth<{ id: string }>, {
 *   apiKey: process.env.ABLY_API_KEY!,
 *   policy: (user) => ({ lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 * });
 */
export const ablyChatAuth = fp(plugin, { name: PLUGIN_NAME, fastify: '4.x || 5.x' }) as AblyChatAuthPlugin;

/**
 * The plugin's type. Called by `app.register(ablyChatAuth, options)`, the user is the one the app
 * declared on `FastifyRequest['user']` (its last signature, the one `register` infers from);
 * `app.register(ablyChatAuth<AppUser>, options)` names it explicitly.
 */
export type AblyChatAuthPlugin = (<User>(instance: FastifyInstance, options: FastifyTokenPluginOptions<User>) => Promise<void>) &
  FastifyPluginAsync<FastifyTokenPluginOptions>;
