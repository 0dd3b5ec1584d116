// The bounds Ably sets on tokens, and the ones this package sets on what goes into them.

/** Ably's TTL ceiling for tokens: 24 h, or 1 h when the key has revocable tokens enabled. */
export const MAX_TTL_SECONDS = 24 * 3600;
export const MAX_REVOCABLE_TTL_SECONDS = 3600;
/** Shortest TTL accepted: shorter tokens would make clients renew constantly. */
export const MIN_TTL_SECONDS = 10;
/** Largest `iat` back-dating accepted for server clock skew. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** Largest clientId accepted, in characters. */
export const MAX_CLIENT_ID_LENGTH = 256;
/** Tokens travel in URLs and headers: refuse anything larger than this many bytes. */
export const MAX_TOKEN_BYTES = 8192;
