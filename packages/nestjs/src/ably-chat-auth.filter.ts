import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, Inject, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ablyCodeForStatus, ablyErrorResponse, consoleLogger, internalErrorResponse, silentLogger, type Logger, type TokenRouteResponse } from '@ably-chat-auth/core';
import { ABLY_CHAT_AUTH_OPTIONS } from './ably-chat-auth.constants.js';
import type { AblyChatAuthModuleOptions } from './ably-chat-auth.module-definition.js';
import { writeTokenRouteAnswer } from './http-platform.js';

/**
 * Answers what a token route's guards, pipes or handler threw in Ably's error shape, so the Ably
 * client reacts to the status: an `HttpException` keeps its status and message (a guard's 401
 * means "sign in, then retry"; 403 stops the client for good); anything else is logged and
 * answered 500 without its cause. Bound to the built-in route and to `@AblyTokenRoute()` methods;
 * a filter bound to a controller or method runs instead of the app's global filters.
 *
 * @example
 * @UseFilters(AblyChatAuthExceptionFilter)
 * @Get('chat/token') ...
 */
@Catch()
export class AblyChatAuthExceptionFilter implements ExceptionFilter {
  private readonly logger: Logger;

  constructor(@Optional() @Inject(ABLY_CHAT_AUTH_OPTIONS) options?: AblyChatAuthModuleOptions) {
    const logger = options?.logger;
    this.logger = logger === false ? silentLogger : (logger ?? consoleLogger);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    writeTokenRouteAnswer(host.switchToHttp().getResponse(), this.answerFor(exception));
  }

  private answerFor(exception: unknown): TokenRouteResponse {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (Number.isInteger(status) && status >= 400 && status <= 599) {
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
}

function summary(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { type: typeof error };
}
