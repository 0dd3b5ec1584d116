import type { ServerResponse } from 'node:http';
import { writeTokenRouteResponse, type TokenRouteRequest, type TokenRouteResponse } from '@ably-chat-auth/core';

/** What the Express and Fastify requests have in common, as far as the token route is concerned. */
interface PlatformRequest {
  method?: string;
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  user?: unknown;
  /** Fastify: the Node request, where Nest middleware (run by @fastify/middie) leaves `user`. */
  raw?: { user?: unknown };
}

/** The parts of a FastifyReply used here (typed structurally: fastify is not a dependency). */
interface FastifyReplyLike {
  raw: ServerResponse;
  sent: boolean;
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(body: string): unknown;
}

function isFastifyReply(res: unknown): res is FastifyReplyLike {
  const reply = res as Partial<FastifyReplyLike> | null;
  return typeof reply === 'object' && reply !== null && typeof reply.code === 'function' && typeof reply.headers === 'function' && typeof reply.raw === 'object';
}

/**
 * The default `resolveUser`: `req.user`, where `@nestjs/passport`'s `AuthGuard` (and most
 * hand-written guards) put the user. On Fastify a Nest middleware sets it on `req.raw` instead.
 */
export function userFromRequest(req: unknown): unknown {
  const request = req as PlatformRequest | null | undefined;
  return request?.user ?? request?.raw?.user;
}

/** Describes a Nest request (Express `Request` or `FastifyRequest`) for core; the request itself is `native`. */
export function toTokenRouteRequest<Req>(req: Req): TokenRouteRequest<Req> {
  const request = req as PlatformRequest;
  return { method: request.method ?? '', headers: request.headers ?? {}, native: req };
}

/**
 * Writes core's answer byte for byte. Express: on the Node response. Fastify: through the reply,
 * so the app's `onSend` hooks and the headers its plugins set (CORS...) still apply.
 * Does nothing once the response was sent or the client has gone.
 */
export function writeTokenRouteAnswer(res: unknown, answer: TokenRouteResponse): void {
  if (isFastifyReply(res)) {
    if (res.sent || res.raw.headersSent || res.raw.destroyed) return;
    res.code(answer.status).headers(answer.headers).send(answer.body);
    return;
  }
  writeTokenRouteResponse(res as ServerResponse, answer);
}
