import { Inject, Injectable } from '@nestjs/common';
import {
  AblyChatAuthError,
  createAdapterTokenRoute,
  createTokenRoute,
  type ChatPolicy,
  type IssuedToken,
  type TokenIssuer,
  type TokenRoute,
  type TokenRouteRequest,
  type TokenRouteResponse,
} from '@ably-chat-auth/core';
import { ABLY_CHAT_AUTH_OPTIONS, ABLY_CHAT_AUTH_TOKEN_ROUTE } from './ably-chat-auth.constants.js';
import type { AblyChatAuthModuleOptions } from './ably-chat-auth.module-definition.js';
import { userFromRequest } from './http-platform.js';
import { checkFactoryOptionNames } from './option-names.js';

/**
 * The factory provider's body: the core token route, built (and so validated) once, at startup.
 * What `forRoot` got (less the extras Nest takes out) or what the `forRootAsync` factory returned
 * may hold core's options only: a module setting or a typo there would be silently ignored.
 */
export function createModuleTokenRoute(options: AblyChatAuthModuleOptions): TokenRoute {
  if (typeof options === 'object' && options !== null) checkFactoryOptionNames(options);
  return createAdapterTokenRoute(options, userFromRequest, 'AblyChatAuthModule (check what forRoot got or what the forRootAsync factory returned)');
}

/**
 * The module's token route as a service: answer token requests, or sign for a user you hold.
 * Every decision is core's (`@ably-chat-auth/core`'s `createTokenRoute`). Inject it as
 * `AblyChatAuthService<AppUser>` (the user type of `forRoot<AppUser>`); the default is `unknown`.
 *
 * @example
 * import { Controller, Get, Inject, Req } from '@nestjs/common';
 * import type { Request } from 'express';
 * import { AblyChatAuthService } from '@ably-chat-auth/nestjs';
 * interface AppUser { id: string }
 * @Controller('chat')
 * class ChatController {
 *   constructor(@Inject(AblyChatAuthService) private readonly ably: AblyChatAuthService<AppUser>) {}
 *   @Get('session')
 *   async session(@Req() req: Request) {
 *     const issued = await this.ably.issueTokenForUser(req.user as AppUser, req);
 *     return { rooms: issued?.rooms ?? [] };
 *   }
 * }
 */
// `Req = any`, as in AblyChatAuthModuleOptions: inject it as AblyChatAuthService<AppUser, Request> to type the request too.
@Injectable()
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class AblyChatAuthService<User = unknown, Req = any> {
  // ES private fields: `util.inspect` and `JSON.stringify` of the service never reach the options' key.
  readonly #route: TokenRoute<User, Req>;
  readonly #options: AblyChatAuthModuleOptions<User, Req>;
  /** Users already resolved by the app's own handler (`@AblyTokenRoute()`), for the resolver of the routes below. */
  readonly #resolvedUsers = new WeakMap<object, unknown>();
  /** One core route per policy used with `respondForUser`, built on first use and dropped with the policy. */
  readonly #routesByPolicy = new WeakMap<ChatPolicy<User, Req>, TokenRoute<User, Req>>();

  constructor(@Inject(ABLY_CHAT_AUTH_TOKEN_ROUTE) route: TokenRoute<User, Req>, @Inject(ABLY_CHAT_AUTH_OPTIONS) options: AblyChatAuthModuleOptions<User, Req>) {
    this.#route = route;
    this.#options = options;
  }

  /** The token issuer (to sign tokens outside any route, e.g. in a job). */
  get issuer(): TokenIssuer {
    return this.#route.issuer;
  }

  /** Answers a token request as the built-in route does (401, 403, 405, 500, 503 or 200); never throws. */
  handle(request: TokenRouteRequest<Req>): Promise<TokenRouteResponse> {
    return this.#route.handle(request);
  }

  /**
   * Runs the module's policy for a user and signs a token; resolves to `null` when the policy
   * grants nothing. Rejects on a bad clientId, a failing key provider or a policy that throws.
   */
  issueTokenForUser(user: User, req?: Req): Promise<IssuedToken | null> {
    return this.#route.issueForUser(user, req as Req);
  }

  /**
   * Answers for a user the app has already resolved, as the route would: no user -> 401, no
   * grants -> 403, faults -> 500/503, else 200 with the token. `policy` replaces the module's
   * policy (`@ChatGrants`). Never throws once `req` is an object.
   */
  respondForUser(user: User | null | undefined | false, req: Req, policy?: ChatPolicy<User, Req>): Promise<TokenRouteResponse> {
    if (typeof req !== 'object' || req === null) {
      throw new AblyChatAuthError('ERR_INVALID_OPTIONS', 'respondForUser needs the request object (Express Request or FastifyRequest) it answers.');
    }
    const route = this.#routeFor(policy ?? this.#options.policy);
    this.#resolvedUsers.set(req, user);
    // The app's handler chose its own HTTP method; core's GET/POST rule is for the built-in route.
    return route.handle({ method: 'GET', headers: (req as { headers?: TokenRouteRequest['headers'] }).headers ?? {}, native: req }).finally(() => {
      this.#resolvedUsers.delete(req);
    });
  }

  #routeFor(policy: ChatPolicy<User, Req>): TokenRoute<User, Req> {
    let route = this.#routesByPolicy.get(policy);
    if (!route) {
      route = createTokenRoute<User, Req>({
        ...this.#options,
        policy,
        resolveUser: (req) => this.#resolvedUsers.get(req as object) as User | null | undefined | false,
      });
      this.#routesByPolicy.set(policy, route);
    }
    return route;
  }
}
