import { applyDecorators, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { AblyChatAuthError, compileGrants, type ChatGrants as ChatGrantsObject, type ChatPolicy } from '@ably-chat-auth/core';
import { CHAT_GRANTS_METADATA } from './ably-chat-auth.constants.js';
import { AblyChatAuthExceptionFilter } from './ably-chat-auth.filter.js';
import { AblyTokenRouteInterceptor } from './ably-chat-auth.interceptor.js';

/** What `@ChatGrants()` takes. `any`, so a function annotated `(user: AppUser) => ...` type-checks: annotate it. */
type GrantsOfRoute = ChatPolicy<any, any>;

/** Static grants are checked when the class is declared, so a typo stops the app at startup. */
function checkGrants(grants: GrantsOfRoute | undefined): GrantsOfRoute {
  if (typeof grants === 'function') return grants;
  if (typeof grants !== 'object' || grants === null || Array.isArray(grants)) {
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', '@ChatGrants() needs a grants object such as { lobby: "all" } or a function (user, req) => grants.');
  }
  if (!compileGrants(grants)) {
    throw new AblyChatAuthError('ERR_INVALID_GRANTS', '@ChatGrants() grants nothing: every user would get 403. Give at least one room a feature.');
  }
  return grants;
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

/**
 * Tells Nest that the method's response is written by the library (as `@Res()` would), so Nest
 * neither sends the returned user nor overrides the status. The `@Res()` parameter goes after the
 * method's own parameters; the method receives it as an extra argument and can ignore it.
 */
function writesItsOwnResponse(): MethodDecorator {
  return (target, key, descriptor) => {
    const handler = descriptor.value as unknown as (...args: unknown[]) => unknown;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key) ?? {}) as Record<string, unknown>;
    const taken = Object.keys(args).map((name) => Number(/:(\d+)$/.exec(name)?.[1] ?? -1));
    Res()(target, key, Math.max(handler.length, ...taken.map((index) => index + 1)));
  };
}

/**
 * Makes a controller method a token route: the method resolves the user (return it, or
 * null/undefined for 401), then `@ChatGrants` or the module's policy decides the grants (none: 403)
 * and the answer goes out as the built-in route's would, on Express and Fastify. Errors thrown by
 * the method or its guards leave in Ably's shape too. Do not add `@Res()`.
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
  return applyDecorators(UseFilters(AblyChatAuthExceptionFilter), UseInterceptors(AblyTokenRouteInterceptor), writesItsOwnResponse());
}
