import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ChatPolicy, TokenRouteCallOptions } from '@ably-chat-auth/core';
import { mergeMap, type Observable } from 'rxjs';
import { CHAT_GRANTS_METADATA, CHAT_USER_CLAIMS_METADATA } from './ably-chat-auth.constants.js';
import { AblyChatAuthService } from './ably-chat-auth.service.js';
import { TokenRouteResponseException } from './ably-chat-auth.exceptions.js';

/**
 * Turns what an `@AblyTokenRoute()` method returns (the user, or nothing) into the token route's
 * response: the method's `@ChatGrants` (or its class's), else the module's policy, decides the
 * grants; core decides the status, headers and body, which {@link AblyChatAuthExceptionFilter}
 * writes on Express or Fastify.
 *
 * @example
 * // Pick the policy some other way: extend it and bind yours with @UseInterceptors.
 * class TenantTokenInterceptor extends AblyTokenRouteInterceptor {
 *   protected override policyFor(context: ExecutionContext) {
 *     return super.policyFor(context) ?? tenantPolicy;
 *   }
 * }
 */
@Injectable()
export class AblyTokenRouteInterceptor implements NestInterceptor {
  constructor(
    @Inject(AblyChatAuthService) private readonly tokens: AblyChatAuthService,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<never> {
    const req: unknown = context.switchToHttp().getRequest();
    const options = { policy: this.policyFor(context), userClaims: this.userClaimsFor(context) };
    return next.handle().pipe(
      mergeMap(async (user: unknown): Promise<never> => {
        throw new TokenRouteResponseException(await this.tokens.respond(user, req, options));
      }),
    );
  }

  /** The policy of this request: the method's `@ChatGrants`, else its class's; `undefined` for the module's. */
  protected policyFor(context: ExecutionContext): ChatPolicy | undefined {
    return this.reflector.getAllAndOverride<ChatPolicy | undefined>(CHAT_GRANTS_METADATA, [context.getHandler(), context.getClass()]);
  }

  /** The user claims of this request: the method's `@ChatUserClaims`, else its class's; `undefined` for the module's. */
  protected userClaimsFor(context: ExecutionContext): TokenRouteCallOptions['userClaims'] {
    return this.reflector.getAllAndOverride<TokenRouteCallOptions['userClaims']>(CHAT_USER_CLAIMS_METADATA, [context.getHandler(), context.getClass()]);
  }
}
