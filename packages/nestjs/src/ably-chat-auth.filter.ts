import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, Inject, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from '@ably-chat-auth/core';
import { ablyCodeForStatus, ablyErrorResponse, internalErrorResponse, resolveLogger, type TokenRouteResponse } from '@ably-chat-auth/core/adapter';
import { ABLY_CHAT_AUTH_OPTIONS } from './ably-chat-auth.constants.js';
import { TokenRouteGuardDenial, TokenRouteResponseException } from './ably-chat-auth.exceptions.js';
import type { AblyChatAuthModuleOptions } from './ably-chat-auth.options.js';
import { writeTokenRouteResponse } from './ably-chat-auth.platform.js';

const GUARD_DENIAL_WARNING =
  'A guard of the Ably token route returned false, so it answered 403. The Ably client treats 403 as final: ' +
  'it goes to FAILED and never asks for a token again, even once the user has signed in. If the guard means "not signed in" ' +
  '(no session, an expired session), throw new UnauthorizedException() from it instead (401: the client retries); keep 403, ' +
  "thrown explicitly (new ForbiddenException('banned')), for users who may never connect. This warning is logged once.";

/**
 * Answers what a token route's guards, pipes or handler threw in Ably's error shape, so the Ably
 * client reacts to the status: an `HttpException` keeps its status and message (a guard's 401
 * means "sign in, then retry"; 403 stops the client for good); anything else is logged and
 * answered 500 without its cause. A guard of the built-in route that merely returned `false` gets
 * 403 too, and the first such 403 is logged as a warning. Bound to the built-in route and to
 * `@AblyTokenRoute()` methods (whose answers, {@link TokenRouteResponseException}, it writes); a
 * filter bound there runs instead of the app's global filters. Override the protected
 * `responseFor` to answer some exceptions differently.
 *
 * @example
 * @UseFilters(AblyChatAuthExceptionFilter)
 * @Get('chat/token') ...
 */
@Catch()
export class AblyChatAuthExceptionFilter implements ExceptionFilter {
  private readonly logger: Logger;
  private warnedOfGuardDenial = false;

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Optional() @Inject(ABLY_CHAT_AUTH_OPTIONS) options?: AblyChatAuthModuleOptions,
  ) {
    this.logger = resolveLogger(options?.logger);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = exception instanceof TokenRouteResponseException ? exception.tokenRouteResponse : this.responseFor(exception);
    writeTokenRouteResponse(this.adapterHost.httpAdapter, host.switchToHttp().getResponse(), response);
  }

  /** The Ably-shaped answer for what the route's guards, pipes or handler threw. */
  protected responseFor(exception: unknown): TokenRouteResponse {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (Number.isInteger(status) && status >= 400 && status <= 599) {
        if (exception instanceof TokenRouteGuardDenial && !this.warnedOfGuardDenial) {
          this.warnedOfGuardDenial = true;
          this.log('warn', GUARD_DENIAL_WARNING, { status: 403 });
        }
        // `new UnauthorizedException(err)` carries err's message, which is not for the client.
        const message = exception.getResponse() instanceof Error ? (STATUS_CODES[status] ?? 'Error') : exception.message;
        return ablyErrorResponse(status, ablyCodeForStatus(status), message);
      }
    }
    const error = exception instanceof Error ? { name: exception.name, message: exception.message } : { type: typeof exception };
    this.log('error', 'The Ably token route threw before answering; it answered 500 without the cause.', { error });
    return internalErrorResponse();
  }

  private log(level: 'error' | 'warn', message: string, meta: Record<string, unknown>): void {
    try {
      this.logger[level](message, meta);
    } catch {
      // A broken logger must not break the answer.
    }
  }
}
