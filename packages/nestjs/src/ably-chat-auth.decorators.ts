import { applyDecorators, UseFilters, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { compileGrants, type ChatGrants as ChatGrantsObject, type ChatPolicy, type UserClaims, type UserClaimsFunction } from '@ably-chat-auth/core';
import { invalidOptions, resolvePolicy } from '@ably-chat-auth/core/adapter';
import { CHAT_GRANTS_METADATA, CHAT_USER_CLAIMS_METADATA } from './ably-chat-auth.constants.js';
import { AblyChatAuthExceptionFilter } from './ably-chat-auth.filter.js';
import { AblyTokenRouteInterceptor } from './ably-chat-auth.interceptor.js';

/** What `@ChatGrants()` takes. `any`, so a function annotated `(user: AppUser) => ...` type-checks: annotate it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as the TSDoc says
type GrantsOfRoute = ChatPolicy<any, any>;

/**
 * Core checks static grants when the class is declared, so a typo stops the app at startup; privileged
 * operations are left to the route, which alone knows `allowPrivilegedOperations` (without it: 500 and a log line).
 */
function checkGrants(grants: GrantsOfRoute | undefined): GrantsOfRoute {
  resolvePolicy(grants, '@ChatGrants()', (checked) => compileGrants(checked, { allowPrivilegedOperations: true }));
  return grants as GrantsOfRoute;
}

/**
 * The grants of an `@AblyTokenRoute()` method (or of every such method of a class), replacing the
 * module's policy: a grants object, or a function of the user and the request (sync or async)
 * that returns grants, or nothing for 403. Also the type of a grants object.
 *
 * @example
 * import { Get, Req } from '@nestjs/common';
 * import { AblyTokenRoute, ChatGrants, room } from '@ably-chat-auth/nestjs';
 * interface AppUser { id: string; isAgent: boolean }
 * // in a controller:
 * @Get('support/token')
 * @AblyTokenRoute()
 * @ChatGrants((user: AppUser) => (user.isAgent ? { 'support:*': 'moderator' } : { [room`support:${user.id}`]: 'all' }))
 * supportToken(@Req() req: { user?: AppUser }) {
 *   return req.user;
 * }
 */
export const ChatGrants = Reflector.createDecorator<GrantsOfRoute, GrantsOfRoute>({ key: CHAT_GRANTS_METADATA, transform: checkGrants });
/** A grants object: room pattern -> features (`'all'`, `'moderator'`, or a list such as `['send', 'receive']`). */
export type ChatGrants = ChatGrantsObject;

/** What `@ChatUserClaims()` takes: claims, or a function of the user and the request (`any`, as for `@ChatGrants`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as the TSDoc says
type UserClaimsOfRoute = UserClaims | UserClaimsFunction<any, any>;

/** Static claims are checked when the class is declared (an object of room pattern -> string or object). */
function checkUserClaims(claims: UserClaimsOfRoute | undefined): UserClaimsOfRoute {
  if (typeof claims === 'function') return claims;
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw invalidOptions('@ChatUserClaims() needs claims such as { "*": { display_name: "Ann" } } or a function (user, req) => claims.');
  }
  return claims;
}

/**
 * The user claims of an `@AblyTokenRoute()` method (or of every such method of a class),
 * replacing the module's `userClaims`: room pattern -> a string or a plain JSON object, or a
 * function of the user and the request that returns them. Ably Chat attaches the most specific
 * matching claim to what the user sends in a room (`message.userClaim`).
 *
 * @example
 * import { Get, Req } from '@nestjs/common';
 * import { AblyTokenRoute, ChatUserClaims } from '@ably-chat-auth/nestjs';
 * interface AppUser { id: string; name: string }
 * // in a controller:
 * @Get('support/token')
 * @AblyTokenRoute()
 * @ChatUserClaims((user: AppUser) => ({ 'support:*': { display_name: user.name, role: 'agent' } }))
 * supportToken(@Req() req: { user?: AppUser }) {
 *   return req.user;
 * }
 */
export const ChatUserClaims = Reflector.createDecorator<UserClaimsOfRoute, UserClaimsOfRoute>({ key: CHAT_USER_CLAIMS_METADATA, transform: checkUserClaims });

/**
 * Makes a controller method a token route: the method resolves the user (return it, or
 * null/undefined for 401), then `@ChatGrants` or the module's policy decides the grants (none: 403)
 * and the answer goes out as the built-in route's would, on Express and Fastify, whatever the
 * HTTP method (a POST answers 200, not Nest's 201). Errors thrown by the method or its guards leave
 * in Ably's shape too. Do not add `@Res()`.
 *
 * How: the interceptor hands core's answer to the method's exception filter, which writes it
 * through Nest's `HttpAdapterHost`; so an app interceptor that maps this method's result never
 * sees a value, and one that catches errors sees a `TokenRouteResponseException` (an `HttpException`) and must let it through.
 *
 * @example
 * @Controller('chat')
 * class ChatTokenController {
 *   @Post('token')
 *   @UseGuards(AuthGuard('jwt'))
 *   @AblyTokenRoute()
 *   token(@Req() req: Request) {
 *     return req.user;
 *   }
 * }
 */
export function AblyTokenRoute(): MethodDecorator {
  return applyDecorators(UseFilters(AblyChatAuthExceptionFilter), UseInterceptors(AblyTokenRouteInterceptor));
}
