import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { writeTokenRouteResponse } from '@ably-chat-auth/core/adapter';
import { storeUnavailableResponse } from '@ably-chat-auth-examples/shared';
import type { NextFunction, Request, Response } from 'express';

/**
 * The app's own errors as `{ "error": "..." }` (400 for a bad username, 429 from the login limit,
 * 404, 503 while Redis is down), never a stack trace. The token route has its own filter (Ably's
 * error shape), which wins.
 */
@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    // Login and logout read and write the session store: while Redis is down, 503 with Retry-After.
    const unavailable = storeUnavailableResponse(exception, host.switchToHttp().getRequest<Request>().path);
    if (unavailable) {
      writeTokenRouteResponse(res, unavailable);
      return;
    }
    if (exception instanceof HttpException) {
      res.status(exception.getStatus()).json({ error: exception.message });
      return;
    }
    console.error('NestJS example: request failed', exception);
    res.status(500).json({ error: 'The server failed; it has logged the cause.' });
  }
}

/**
 * Express error middleware mounted right after express-session, which runs before Nest's routing:
 * while Redis is down, loading a session fails, and the request gets a 503 with Retry-After (Ably's
 * shape on the token route, so the Ably client retries) rather than Express's default error page.
 */
export function sessionStoreErrors(error: unknown, req: Request, res: Response, next: NextFunction): void {
  const unavailable = storeUnavailableResponse(error, req.path);
  if (unavailable) writeTokenRouteResponse(res, unavailable);
  else next(error);
}
