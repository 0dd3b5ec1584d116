import type { Request } from 'express';
import type { AugmentedRequest } from 'express-rate-limit';

/** Whole seconds until the client's express-rate-limit window resets (60 when the limiter set none). */
export function retryAfterSeconds(req: Request): number {
  const resetTime = (req as AugmentedRequest).rateLimit?.resetTime;
  return resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 60;
}
