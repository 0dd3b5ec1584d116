import type { ApiKeySource } from './api-key.js';
import { parseDurationSeconds, type Duration } from './duration.js';
import { invalidOptions } from './errors.js';
import { MAX_CLOCK_SKEW_SECONDS, MAX_REVOCABLE_TTL_SECONDS, MAX_TOKEN_BYTES, MAX_TTL_SECONDS, MIN_TTL_SECONDS } from './limits.js';

/** Options of {@link createTokenIssuer}. */
export interface TokenIssuerOptions {
  /**
   * The Ably API key `appId.keyId:secret`, or a function returning it (sync or async), asked for
   * every token so a rotated key takes effect at once. A static key is validated at creation.
   */
  apiKey: ApiKeySource;
  /** Token lifetime: seconds or a string like `'15m'`. Default `'1h'`; at most 24 h (1 h with `revocableTokens`). */
  ttl?: Duration;
  /** Declare that the key has revocable tokens enabled: Ably then caps the TTL at 1 h. Default `false`. */
  revocableTokens?: boolean;
  /**
   * How far `iat` is back-dated, so a server clock slightly ahead of Ably's does not produce
   * "issuedAt time must not be in the future" (40001). `exp` is `iat + ttl`. Default `'30s'`, at most `'5m'`.
   *
   * Each token is back-dated by `min(clockSkew, floor(ttl / 2))` of its own TTL, so a token always
   * has at least half its lifetime left when issued: `issue({ ttl: 10 })` with the default 30 s
   * skew is back-dated 5 s and valid for 5 s more, never born expired.
   * @example
   * createTokenIssuer({ apiKey: process.env.ABLY_API_KEY!, ttl: '1h', clockSkew: '1m' });
   */
  clockSkew?: Duration;
  /** Allow the clientId `*` (a client that may claim any identity). Default `false`; Chat needs a concrete identity. */
  allowWildcardClientId?: boolean;
  /** Refuse tokens larger than this many bytes. Default and maximum 8192. */
  maxTokenBytes?: number;
  /**
   * Allow grants of `op:*`, `op:push-admin` and `op:privileged-headers`, which no Chat feature
   * needs. Default `false`: such grants throw `ERR_PRIVILEGED_OPERATION` (at startup for a static
   * policy; a 500 with a log line for a dynamic one).
   */
  allowPrivilegedOperations?: boolean;
}

/** The option names {@link createTokenIssuer} reads; any other name is refused. */
export const TOKEN_ISSUER_OPTION_NAMES: readonly string[] = [
  'apiKey',
  'ttl',
  'revocableTokens',
  'clockSkew',
  'allowWildcardClientId',
  'maxTokenBytes',
  'allowPrivilegedOperations',
];

/** The resolved, validated form of {@link TokenIssuerOptions}. */
export interface ResolvedTokenIssuerOptions {
  ttlSeconds: number;
  maxTtlSeconds: number;
  clockSkewSeconds: number;
  revocableTokens: boolean;
  allowWildcardClientId: boolean;
  maxTokenBytes: number;
  allowPrivilegedOperations: boolean;
}

/** Validates issuer options; throws at startup rather than on the first request. */
export function resolveTokenIssuerOptions(options: Omit<TokenIssuerOptions, 'apiKey'>): ResolvedTokenIssuerOptions {
  const revocableTokens = options.revocableTokens ?? false;
  if (typeof revocableTokens !== 'boolean') throw invalidOptions('revocableTokens must be a boolean.');
  const maxTtlSeconds = revocableTokens ? MAX_REVOCABLE_TTL_SECONDS : MAX_TTL_SECONDS;
  const ttlSeconds = parseDurationSeconds(options.ttl ?? '1h', {
    name: 'ttl',
    code: 'ERR_INVALID_TTL',
    min: MIN_TTL_SECONDS,
    max: maxTtlSeconds,
    hint: revocableTokens ? 'Ably caps tokens of keys with revocable tokens at 1 hour.' : 'Ably caps token lifetimes at 24 hours.',
  });
  const clockSkewSeconds = parseDurationSeconds(options.clockSkew ?? 30, {
    name: 'clockSkew',
    code: 'ERR_INVALID_CLOCK_SKEW',
    min: 0,
    // Not bounded by the TTL: each token's back-dating is capped at half its own TTL instead.
    max: MAX_CLOCK_SKEW_SECONDS,
    hint: 'It back-dates iat to absorb a server clock running ahead of Ably; keep it small and fix the clock with NTP.',
  });
  const allowWildcardClientId = options.allowWildcardClientId ?? false;
  if (typeof allowWildcardClientId !== 'boolean') throw invalidOptions('allowWildcardClientId must be a boolean.');
  const maxTokenBytes = options.maxTokenBytes ?? MAX_TOKEN_BYTES;
  if (!Number.isInteger(maxTokenBytes) || maxTokenBytes < 256 || maxTokenBytes > MAX_TOKEN_BYTES) {
    throw invalidOptions(`maxTokenBytes must be an integer between 256 and ${MAX_TOKEN_BYTES}.`);
  }
  const allowPrivilegedOperations = options.allowPrivilegedOperations ?? false;
  if (typeof allowPrivilegedOperations !== 'boolean') throw invalidOptions('allowPrivilegedOperations must be a boolean.');
  return { ttlSeconds, maxTtlSeconds, clockSkewSeconds, revocableTokens, allowWildcardClientId, maxTokenBytes, allowPrivilegedOperations };
}
