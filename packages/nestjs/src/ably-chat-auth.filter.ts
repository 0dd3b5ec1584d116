import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, Inject, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from '@ably-chat-auth/core';
import { ablyCodeForStatus, ablyErrorResponse, internalErrorResponse, resolveLogger, type TokenRouteResponse } from '@ably-chat-auth/core/adapter';
import { ABLY_CHAT_AUTH_OPTIONS } from './ably-chat-auth.constants.js';
import type { AblyChatAuthModuleOptions } from './ably-chat-auth.interfaces.js';
import { writeTokenRouteResponse } from './ably-chat-auth.platform.js';
import { TokenRouteResponseException } from './ably-chat-auth.exceptions.js';
import { TokenRouteGuardDenial } from './ably-chat-auth.guards.js';

/** Logged once per filter when a guard's plain `false` made the token route answer 403. */
const GUARD_DENIAL_WARNING =
  'A guard of the Ably token route returned false, so it answered 403. The Ably client treats 403 as final: ' +
  'it goes to FAILED and never asks for a token again, even once the user has signed in. If the guard means "not signed in" ' +
  '(no session, an expired session), throw new UnauthorizedException() from it instead (401: the client retries); keep 403, ' +
  "thrown explicitly (new ForbiddenException('banned')), for users who may never connect. This warning is logged once.";

/**
 * Answers what a token route's guards, pipes or handler threw in Ably's error shape, so the Ably
 * client reacts to the status: an `HttpException` keeps its status and message (a guard's 401
 * means "sign in, then retry"; 403 stops the client for good); anything else is logged and
 * answered 500 without its cause. A guard of the built-in route (the module's `guards`) that
 * merely returned `false` gets 403 too, and the first such 403 is logged as a warning: for "not
 * signed in" a guard should throw `UnauthorizedException`. Bound to the built-in route and to `@AblyTokenRoute()` methods; a
 * filter bound to a controller or method runs instead of the app's global filters. It also writes
 * the answers of `@AblyTokenRoute()` methods ({@link TokenRouteResponseException}). Override the protected
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
        if (exception instanceof TokenRouteGuardDenial) this.warnOfGuardDenial();
        // `new UnauthorizedException(err)` carries err's message, which is not for the client.
        const message = exception.getResponse() instanceof Error ? (STATUS_CODES[status] ?? 'Error') : exception.message;
        return ablyErrorResponse(status, ablyCodeForStatus(status), message);
      }
    }
    try {
      this.logger.error('The Ably token route threw before answering; it answered 500 without the cause.', { error: summary(exception) });
    } catch {
      // A broken logger must not break the answer.
    }
    return internalErrorResponse();
  }

  private warnOfGuardDenial(): void {
    if (this.warnedOfGuardDenial) return;
    this.warnedOfGuardDenial = true;
    try {
      this.logger.warn(GUARD_DENIAL_WARNING, { status: 403 });
    } catch {
      // A broken logger must not break the answer.
    }
  }
}

function summary(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { type: typeof error };
}
