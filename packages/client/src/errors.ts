import type { TokenRouteError } from './types.js';

// The brand @ably-chat-auth/core's isAblyChatAuthError() looks for, so one check covers both packages.
const BRAND = Symbol.for('ably-chat-auth.error');

/** A bad option given to {@link createAuthCallback}. */
export interface AblyChatAuthClientError extends Error {
  name: 'AblyChatAuthError';
  code: 'ERR_INVALID_OPTIONS';
}

/** The error {@link createAuthCallback} throws for a bad option (a plain object, not a class: bytes count in a browser). */
export function invalidOptions(message: string): AblyChatAuthClientError {
  const error = Object.assign(new Error(`createAuthCallback: ${message}`), { name: 'AblyChatAuthError', code: 'ERR_INVALID_OPTIONS' } as const);
  return Object.defineProperty(error, BRAND, { value: true });
}

/** An Ably-shaped error for the Ably client; plain `Error` plus `code` and `statusCode`. */
export function tokenRouteError(message: string, code: number, statusCode: number): TokenRouteError {
  return Object.assign(new Error(message), { name: 'TokenRouteError', code, statusCode }) as TokenRouteError;
}
