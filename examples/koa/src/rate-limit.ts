import { rateLimitKey } from '@ably-chat-auth-examples/shared';
import type { Redis } from 'ioredis';
import type { DefaultState, Middleware, ParameterizedContext } from 'koa';
import ratelimit from 'koa-ratelimit';

/**
 * koa-ratelimit per client (`ctx.ip`, an IPv6 address counted by its /56 network with the shared
 * `rateLimitKey`; keys `<namespace>:<key>`), one-minute window, with its Redis driver when a client is given (one
 * count across instances), else in memory; `onLimited` writes the 429 answer, given the seconds
 * until the window resets.
 */
export function limitPerIp<Context>(
  redis: Redis | undefined,
  max: number,
  namespace: string,
  onLimited: (ctx: ParameterizedContext<DefaultState, Context>, retryAfterSeconds: number) => void,
): Middleware<DefaultState, Context> {
  // koa-ratelimit counts by `ctx.ip` as it is; one IPv6 client usually holds a whole network.
  const id = (ctx: ParameterizedContext): string => rateLimitKey(ctx.ip);
  const limiter = ratelimit(
    redis
      ? // @types/koa-ratelimit names the ioredis 4 types; the driver only calls defineCommand and the command it defines, which ioredis 6 has.
        { driver: 'redis', db: redis as unknown as ratelimit.MiddlewareOptions['db'], duration: 60_000, max, namespace, id }
      : { driver: 'memory', db: new Map(), duration: 60_000, max, namespace, id },
  );
  return async (ctx, next) => {
    let allowed = false;
    await limiter(ctx, async () => {
      allowed = true;
      await next();
    });
    if (allowed) return;
    // koa-ratelimit's own Retry-After rounds down (0 in the last second); count whole seconds up.
    const reset = Number((ctx.state.rateLimit as { headers?: Record<string, unknown> } | undefined)?.headers?.['X-RateLimit-Reset']);
    const seconds = Number.isFinite(reset) ? Math.min(60, Math.max(1, Math.ceil(reset - Date.now() / 1000))) : 60;
    ctx.status = 429;
    onLimited(ctx, seconds);
  };
}
