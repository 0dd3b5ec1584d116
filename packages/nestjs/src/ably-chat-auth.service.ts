import type { IssuedToken, MaybeUser, TokenIssuer, TokenRoute, TokenRouteCallOptions } from '@ably-chat-auth/core';
import { invalidOptions, type TokenRouteRequest, type TokenRouteResponse } from '@ably-chat-auth/core/adapter';
import { toTokenRouteRequest } from './ably-chat-auth.platform.js';

/** Per-call settings of {@link AblyChatAuthService.respond} and {@link AblyChatAuthService.issueForUser}: `policy` replaces the module's (what `@ChatGrants` does), `userClaims` its `userClaims`. */
export type AblyChatAuthCallOptions<User, Req> = TokenRouteCallOptions<User, Req>;

/**
 * The module's token route as a service: answer token requests, or sign for a user you hold.
 * Every decision is core's (`@ably-chat-auth/core`'s token route). Inject it as
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
 *     const issued = await this.ably.issueForUser(req.user as AppUser, req);
 *     return { rooms: issued?.rooms ?? [] };
 *   }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as in AblyChatAuthModuleOptions: AblyChatAuthService<AppUser, Request> types the request
export class AblyChatAuthService<User = unknown, Req = any> {
  // An ES private field: `util.inspect` and `JSON.stringify` of the service never reach the key.
  readonly #route: TokenRoute<User, Req>;

  constructor(route: TokenRoute<User, Req>) {
    this.#route = route;
  }

  /** The token issuer (to sign tokens outside any route, e.g. in a job). */
  get issuer(): TokenIssuer {
    return this.#route.issuer;
  }

  /** Answers a token request as the built-in route does (401, 403, 405, 500, 503 or 200); never rejects. */
  handle(request: TokenRouteRequest<Req>): Promise<TokenRouteResponse> {
    return this.#route.handle(request);
  }

  /**
   * Answers for a user the app has already resolved, as the route would: no user -> 401, no
   * grants -> 403, a cross-site request from an origin not allowed -> 403, faults -> 500/503, else
   * 200 with the token. `options.policy` replaces the module's policy. Never rejects once `req`
   * is the platform's request object.
   */
  respond(user: MaybeUser<User>, req: Req, options?: AblyChatAuthCallOptions<User, Req>): Promise<TokenRouteResponse> {
    if (typeof req !== 'object' || req === null) {
      throw invalidOptions('respond needs the request object (Express Request or FastifyRequest) it answers.');
    }
    return this.#route.respond(user, toTokenRouteRequest(req), options);
  }

  /**
   * Runs the module's policy (or `options.policy`) for a user and signs a token; resolves to
   * `null` when it grants nothing. Rejects on a bad clientId, a failing key provider or a policy
   * that throws.
   */
  issueForUser(user: User, req?: Req, options?: AblyChatAuthCallOptions<User, Req>): Promise<IssuedToken | null> {
    return this.#route.issueForUser(user, req as Req, options);
  }
}
