import type { MiddlewareHandler } from 'hono';

/** The largest declared request body that is read to its end when the app left it unread. */
export const MAX_DRAINED_BODY_BYTES = 64 * 1024;

/**
 * Reads to its end, after the app answered, a request body the app did not read (a refused
 * cross-site login, a 429, a token `POST` whose body the route ignores), when its
 * `Content-Length` is at most {@link MAX_DRAINED_BODY_BYTES}. workerd closes a keep-alive
 * connection whose request body was left unread without saying so in the answer, so the client's
 * next request on that connection fails with ECONNRESET (Node's fetch: 7 of 900 requests in a
 * loop of refused logins and token requests). On Cloudflare the edge holds the visitor's
 * connection; locally, the browser's is workerd's. Larger or undeclared bodies are left alone: the
 * connection then closes, which is what an oversized body deserves.
 *
 * @example app.use(drainUnreadBody);
 */
export const drainUnreadBody: MiddlewareHandler = async (c, next) => {
  await next();
  const request = c.req.raw;
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (!request.body || request.bodyUsed || !(declared > 0 && declared <= MAX_DRAINED_BODY_BYTES)) return;
  const reader = request.body.getReader();
  for (let read = 0; read <= declared;) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.byteLength;
  }
  // More than it declared: not worth reading on.
  await reader.cancel();
};
