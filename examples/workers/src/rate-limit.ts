import type { Context, MiddlewareHandler } from 'hono';
import type { WorkerEnv } from './bindings.js';
import { clientAddress } from './client-address.js';
import { rateLimitKey } from './rate-limit-key.js';

/** The app's Hono environment: the Worker's bindings. */
export interface WorkersExampleEnv {
  Bindings: WorkerEnv;
}

/**
 * The Retry-After of a 429: the limits count per minute, and the Rate Limiting binding answers
 * only whether a request is within its limit, not when the window ends, so the longest wait.
 */
export const RETRY_AFTER_SECONDS = 60;

/**
 * A limit per client address (CF-Connecting-IP; see clientAddress), an IPv6 one by its /56
 * network (rateLimitKey): one IPv6 client usually holds a whole network. Counted by Workers'
 * Rate Limiting binding, which Cloudflare keeps per location and miniflare runs locally: a
 * memory store (hono-rate-limiter's MemoryStore) would count per isolate, and a Worker runs in
 * many; a KV store is eventually consistent, so bursts would slip through. The binding is
 * one call, so no middleware library is needed around it.
 */
export function limitPerClient(
  binding: 'LOGIN_LIMIT' | 'TOKEN_LIMIT',
  trustProxyHops: number,
  onLimited: (c: Context<WorkersExampleEnv>) => Response,
): MiddlewareHandler<WorkersExampleEnv> {
  return async (c, next) => {
    const key = rateLimitKey(clientAddress(c.req.raw.headers, trustProxyHops));
    const { success } = await c.env[binding].limit({ key });
    if (!success) return onLimited(c);
    await next();
  };
}
