import { Address4, Address6 } from 'ip-address';

/**
 * How many leading bits of an IPv6 address count as one client: the shared demo's
 * `RATE_LIMIT_IPV6_SUBNET` (express-rate-limit's default). One subscriber usually holds a whole
 * /64 or /56, so counting each IPv6 address apart would give one client unlimited tries.
 */
export const IPV6_SUBNET = 56;

const IPV4_COMPATIBLE = new Address6('::/96');

/**
 * The key a rate limit counts `address` under: an IPv4 address as it is, an IPv6 address as its
 * /56 network, an IPv4-mapped IPv6 address as its IPv4 address. The same keys as the shared demo's
 * `rateLimitKey` (express-rate-limit's `ipKeyGenerator`, which a test holds this to); that helper
 * imports `node:net`, which a Worker does not have, so this one tells the families apart with
 * ip-address (the library express-rate-limit uses for the rest of the work).
 *
 * @example rateLimitKey('2001:db8:1:2::7') // '2001:db8:1::/56'
 */
export function rateLimitKey(address: string): string {
  // A prefix length is no address (node:net's isIPv6 refuses it too): counted as written.
  if (address.includes('/') || Address4.isValid(address) || !Address6.isValid(address)) return address;
  const parsed = new Address6(address);
  if (parsed.isMapped4() || (parsed.is4() && parsed.isInSubnet(IPV4_COMPATIBLE))) return parsed.to4().correctForm();
  return new Address6(`${address}/${IPV6_SUBNET}`).networkForm();
}
