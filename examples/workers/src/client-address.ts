/**
 * The address the rate limits count for a request. On Cloudflare, the edge sets `CF-Connecting-IP`
 * to the address that connected to it and overwrites any value a client sent, so with
 * `trustProxyHops` 0 (nothing in front of Cloudflare) that header is the client and
 * `X-Forwarded-For` is never read. With proxies of your own in front of Cloudflare, the chain is
 * their `X-Forwarded-For` entries followed by `CF-Connecting-IP` (the last of those proxies), and
 * the client is the entry `trustProxyHops` from the right; entries further left are whatever the
 * client wrote, so they are never used. Cloudflare appends `CF-Connecting-IP` to
 * `X-Forwarded-For` itself; it is taken once. Locally, miniflare sets `CF-Connecting-IP` from the
 * socket when a request has none.
 *
 * Hand-written: proxy-addr (the Hono example's) reads a Node socket, which a Worker does not have.
 *
 * @example clientAddress(new Headers({ 'cf-connecting-ip': '203.0.113.7' }), 0) // '203.0.113.7'
 */
export function clientAddress(headers: Headers, trustProxyHops: number): string {
  const connecting = headers.get('cf-connecting-ip')?.trim() || UNKNOWN_CLIENT;
  if (trustProxyHops === 0) return connecting;
  const forwarded = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (forwarded.at(-1) === connecting) forwarded.pop();
  const chain = [...forwarded, connecting];
  return chain[Math.max(0, chain.length - 1 - trustProxyHops)]!;
}

/** What {@link clientAddress} counts when the request carries no `CF-Connecting-IP` (never on Cloudflare or miniflare). */
export const UNKNOWN_CLIENT = 'unknown';

/**
 * Whether the client reached the app over HTTPS: the request URL says so (Cloudflare's edge
 * terminates TLS and hands the Worker the visitor's `https:` URL), or, with `trustProxyHops` > 0,
 * the proxy in front says so in `X-Forwarded-Proto` (its first entry). With 0 the header is
 * ignored: a client could write it itself. What marks the session cookie `Secure`.
 *
 * @example isSecureRequest(new Request('https://chat.example.com/login'), 0) // true
 */
export function isSecureRequest(request: Request, trustProxyHops: number): boolean {
  if (new URL(request.url).protocol === 'https:') return true;
  if (trustProxyHops === 0) return false;
  return request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}
