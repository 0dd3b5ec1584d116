import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * The address the rate limits count for a request: the TCP peer when `trustProxyHops` is 0 (any
 * `X-Forwarded-For` is ignored), else the `X-Forwarded-For` entry `trustProxyHops` from the
 * right, the address the outermost of your proxies saw. Entries further left are what the client
 * wrote itself, so they are never used. With fewer entries than hops, the leftmost one is used.
 *
 * Hono's `getConnInfo` gives the peer but reads no proxy header; proxy-addr, the library behind
 * Express's `trust proxy`, does both, on the Node request that `@hono/node-server` passes as
 * `c.env.incoming`. A trust function over the hop index is what Express compiles a number to.
 *
 * @example
 * rateLimiter({ keyGenerator: (c) => clientAddress(c.env.incoming, config.trustProxyHops) });
 */
export function clientAddress(incoming: IncomingMessage, trustProxyHops: number): string {
  return proxyAddr(incoming, (_address, hop) => hop < trustProxyHops);
}

/**
 * Whether the client reached the app over HTTPS: the socket is TLS, or, with `trustProxyHops` > 0,
 * the proxy says so in `X-Forwarded-Proto` (its first entry, as Express's `req.secure` reads it).
 * With 0 the header is ignored: a client could write it itself. What marks the session cookie
 * `Secure`.
 *
 * @example isSecureRequest(c.env.incoming, config.trustProxyHops) // true behind a TLS proxy
 */
export function isSecureRequest(incoming: IncomingMessage, trustProxyHops: number): boolean {
  if ((incoming.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (trustProxyHops === 0) return false;
  const header = incoming.headers['x-forwarded-proto'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}
