import { rateLimitKey } from '@ably-chat-auth-examples/shared';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { rateLimiter, type RateLimitInfo, type Store } from 'hono-rate-limiter';
import { clientAddress } from './client-address.js';

/**
 * The app's Hono environment: `@hono/node-server`'s bindings (the Node request, for the client
 * address) and what hono-rate-limiter puts on the context.
 */
export interface HonoExampleEnv {
  Bindings: HttpBindings;
  Variables: { rateLimit: RateLimitInfo };
}

/** A hono-rate-limiter store, such as its `MemoryStore` or `RedisStore`. */
export type RateLimitStore = Store<HonoExampleEnv>;

/**
 * hono-rate-limiter per client address (see clientAddress: `trustProxyHops`), an IPv6 one by its
 * /56 network (rateLimitKey): one IPv6 client usually holds a whole network. One-minute window,
 * in `store` (default its `MemoryStore`); `onLimited` writes the 429, given the seconds until the
 * window resets.
 */
export function limitPerClient(
  trustProxyHops: number,
  perMinute: number,
  store: RateLimitStore | undefined,
  onLimited: (c: Context<HonoExampleEnv>, seconds: number) => Response,
) {
  return rateLimiter<HonoExampleEnv>({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    keyGenerator: (c) => rateLimitKey(clientAddress(c.env.incoming, trustProxyHops)),
    handler: (c) => onLimited(c, retryAfterSeconds(c.get('rateLimit'))),
    ...(store ? { store } : {}),
  });
}

/** Whole seconds until the client's window resets, 1 to 60 (hono-rate-limiter's own Retry-After can say 0 in the last second). */
function retryAfterSeconds(info: RateLimitInfo | undefined): number {
  const resetTime = info?.resetTime;
  return resetTime ? Math.min(60, Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000))) : 60;
}
