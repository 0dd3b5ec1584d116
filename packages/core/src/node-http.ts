import type { RequestHeaders } from './read-header.js';
import type { TokenRouteResponse } from './responses.js';
import { internalErrorResponse } from './token-route-decision.js';
import type { TokenRoute } from './token-route.js';
import { utf8ByteLength } from './utf8.js';

// Node's request and response, typed by the members used here: core's declarations then compile
// without @types/node (Workers and Deno projects), and Node's own objects fit them.

/** What core reads of a Node `IncomingMessage`. */
export interface NodeRequestLike {
  method?: string | undefined;
  headers: RequestHeaders;
}

/** What core uses of a Node `ServerResponse`. */
export interface NodeResponseLike {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
  statusCode: number;
  setHeader(name: string, value: string | number): unknown;
  end(body: string): unknown;
  destroy(): unknown;
}

/**
 * Writes a core answer to a Node `ServerResponse` (Express, Koa's `ctx.res`, Fastify's `reply.raw`).
 * Does nothing when the client has gone or the app already answered, so a disconnect mid-request
 * is never reported as a fault.
 */
export function writeTokenRouteResponse(res: NodeResponseLike, response: TokenRouteResponse): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  res.statusCode = response.status;
  for (const name in response.headers) res.setHeader(name, response.headers[name]!);
  res.setHeader('Content-Length', utf8ByteLength(response.body));
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
export async function handleNodeRequest<User, Req extends NodeRequestLike>(route: TokenRoute<User, Req>, req: Req, res: NodeResponseLike): Promise<void> {
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
