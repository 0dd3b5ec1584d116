/** The address counted when a request carries no `X-Forwarded-For` at all (only outside the start script). */
export const UNKNOWN_CLIENT = 'unknown';

/**
 * The client address the rate limits count: the `X-Forwarded-For` entry `hops` places left of the
 * rightmost one. The rightmost entry is the TCP peer, appended by `scripts/start.mjs`; each of the
 * `TRUST_PROXY_HOPS` proxies in front appended the one left of it. With fewer entries than that,
 * the leftmost one, as Express's `trust proxy` does. Entries further left are whatever the client
 * wrote, so they are never read.
 *
 * Hand-written rather than proxy-addr (what Express and the Hono example use): proxy-addr reads a
 * Node `IncomingMessage`'s socket, and a route handler only has a Fetch `Request`.
 *
 * @example clientAddress(new Headers({ 'x-forwarded-for': 'forged, 203.0.113.7, 10.0.0.2' }), 1) // '203.0.113.7'
 */
export function clientAddress(headers: Headers, hops: number): string {
  const chain = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return chain[Math.max(0, chain.length - 1 - hops)] ?? UNKNOWN_CLIENT;
}

/**
 * Whether the client reached the app over HTTPS, as a TLS proxy in front says in
 * `X-Forwarded-Proto` (its first entry, as Express's `req.secure` reads it). Only with `hops` > 0:
 * with no proxy the header is whatever the client wrote, and the start script serves plain HTTP.
 * What marks the session cookie `Secure`.
 *
 * @example isSecureRequest(new Headers({ 'x-forwarded-proto': 'https' }), 1) // true
 */
export function isSecureRequest(headers: Headers, hops: number): boolean {
  if (hops === 0) return false;
  return headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}
