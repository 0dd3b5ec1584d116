import type { AuthToken } from '../types.js';

/**
 * The clientId a token names, read without verifying it (the server verified it; the client only
 * needs to know whose it is): a JWT's `x-ably-clientId`, a TokenDetails' or TokenRequest's
 * `clientId`. Undefined for an opaque Ably token string or a token without one.
 */
export function clientIdOf(token: AuthToken): string | undefined {
  if (typeof token !== 'string') return typeof token.clientId === 'string' ? token.clientId : 'token' in token ? clientIdOf(token.token) : undefined;
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const clientId = claims['x-ably-clientId'];
    return typeof clientId === 'string' ? clientId : undefined;
  } catch {
    return undefined;
  }
}
