import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ChatPolicy } from '@ably-chat-auth/core';
import { mergeMap, type Observable } from 'rxjs';
import { CHAT_GRANTS_METADATA } from './ably-chat-auth.constants.js';
import { AblyChatAuthService } from './ably-chat-auth.service.js';
import { writeTokenRouteAnswer } from './http-platform.js';

/**
 * Turns what an `@AblyTokenRoute()` method returns (the user, or nothing) into the token route's
 * answer: the method's `@ChatGrants` (or its class's), else the module's policy, decides the
 * grants; core decides the status, headers and body, written here on Express or Fastify.
 */
@Injectable()
export class AblyTokenRouteInterceptor implements NestInterceptor {
  constructor(
    @Inject(AblyChatAuthService) private readonly tokens: AblyChatAuthService,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<void> {
    const http = context.switchToHttp();
    const req: unknown = http.getRequest();
    const res: unknown = http.getResponse();
    const policy = this.reflector.getAllAndOverride<ChatPolicy | undefined>(CHAT_GRANTS_METADATA, [context.getHandler(), context.getClass()]);
    return next.handle().pipe(
      mergeMap(async (user: unknown) => {
        writeTokenRouteAnswer(res, await this.tokens.respondForUser(user, req, policy));
      }),
    );
  }
}
