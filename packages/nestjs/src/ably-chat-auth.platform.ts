import type { ServerResponse } from 'node:http';
import type { HttpServer } from '@nestjs/common';
import { writeTokenRouteResponse as writeNodeResponse, type TokenRouteRequest, type TokenRouteResponse } from '@ably-chat-auth/core/adapter';

/** What the Express and Fastify requests have in common, as far as the token route is concerned. */
interface PlatformRequest {
  method?: string;
  headers?: TokenRouteRequest['headers'];
  user?: unknown;
  /** Fastify: the Node request, where Nest middleware (run by @fastify/middie) leaves `user`. */
  raw?: { user?: unknown };
}

/**
 * The default `resolveUser`: `req.user`, where `@nestjs/passport`'s `AuthGuard` (and most
 * hand-written guards) put the user. On Fastify a Nest middleware sets it on `req.raw` instead.
 */
export function defaultResolveUser(req: unknown): unknown {
  const request = req as PlatformRequest | null | undefined;
  return request?.user ?? request?.raw?.user;
}

/** Describes a Nest request (Express `Request` or `FastifyRequest`) for core; the request itself is `native`. */
export function toTokenRouteRequest<Req>(req: Req): TokenRouteRequest<Req> {
  const request = req as PlatformRequest;
  return { method: request.method ?? '', headers: request.headers ?? {}, native: req };
}

/**
 * Writes core's response byte for byte, on the platform the app runs (`HttpAdapterHost`'s adapter
 * type): on Express to the Node response itself (Express's `send` would add a charset to
 * `application/jwt` and an ETag), on any other platform through the adapter's `reply`, so
 * Fastify's `onSend` hooks and the headers the app's plugins set still apply. Does nothing once
 * the response was sent.
 */
export function writeTokenRouteResponse(httpAdapter: HttpServer, res: unknown, response: TokenRouteResponse): void {
  if (httpAdapter.getType() === 'express') {
    writeNodeResponse(res as ServerResponse, response);
    return;
  }
  if (httpAdapter.isHeadersSent(res)) return;
  for (const name in response.headers) httpAdapter.setHeader(res, name, response.headers[name]!);
  httpAdapter.reply(res, response.body, response.status);
}
