import { ipKeyGenerator } from 'express-rate-limit';

/**
 * How many leading bits of an IPv6 address the demo's rate limits count as one client:
 * express-rate-limit's default. One subscriber usually gets a whole /64 or /56, so counting each
 * IPv6 address apart would give one client unlimited tries.
 */
export const RATE_LIMIT_IPV6_SUBNET = 56;

/**
 * The key a rate limit counts `address` under: an IPv4 address as it is, an IPv6 address as its
 * /56 network (express-rate-limit's `ipKeyGenerator`, also for limiters of other libraries).
 *
 * @example rateLimitKey('2001:db8:1:2::7') // '2001:db8:1::/56'
 */
export function rateLimitKey(address: string): string {
  return ipKeyGenerator(address, RATE_LIMIT_IPV6_SUBNET);
}
