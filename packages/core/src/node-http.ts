import type { IncomingMessage, ServerResponse } from 'node:http';
import { internalErrorResponse, type TokenRouteResponse } from './responses.js';
import type { TokenRoute } from './token-route.js';

/**
 * Writes a core answer to a Node `ServerResponse` (Express, Koa's `ctx.res`, Fastify's `reply.raw`).
 * Does nothing when the client has gone or the app already answered, so a disconnect mid-request
 * is never reported as a fault.
 */
export function writeTokenRouteResponse(res: ServerResponse, response: TokenRouteResponse): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  res.statusCode = response.status;
  for (const name in response.headers) res.setHeader(name, response.headers[name]!);
  res.setHeader('Content-Length', Buffer.byteLength(response.body));
  res.end(response.body);
}

/**
 * Answers a Node HTTP request with the token route, as a Node request handler does: reads the
 * method and headers, lets core decide, writes the answer. The promise never rejects: if writing
 * fails before the headers went out the client gets the generic 500, else the socket is closed.
 *
 * @example
 * const route = createTokenRoute({ apiKey, resolveUser: (req: IncomingMessage) => userOf(req), policy });
 * createServer((req, res) => void handleNodeRequest(route, req, res));
 */
export async function handleNodeRequest<User, Req extends IncomingMessage>(route: TokenRoute<User, Req>, req: Req, res: ServerResponse): Promise<void> {
  try {
    writeTokenRouteResponse(res, await route.handle({ method: req.method ?? '', headers: req.headers, native: req }));
  } catch {
    try {
      if (!res.headersSent) writeTokenRouteResponse(res, internalErrorResponse());
      else res.destroy();
    } catch {
      res.destroy();
    }
  }
}
