import { hasControlCharacter } from './control-characters.js';
import { AblyChatAuthError, describeValue } from './errors.js';
import { assertPlainJson } from './plain-data.js';
import { USER_CLAIM_PREFIX } from './user-claims.js';

// The checks of what an app adds to a JWT besides grants and clientId: extra claims and the revocation key.

const RESERVED_CLAIMS = new Set(['iat', 'exp', 'nbf', 'kid', 'alg']);

/** `ably.` claim names Ably reads, and where to set them instead. */
const RESERVED_ABLY_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  [USER_CLAIM_PREFIX, "Ably Chat's user claims: set them with the userClaims option ({ '<room pattern>': value }), which validates the pattern and the value."],
  ['ably.channel.', 'Ably Pub/Sub channel claims, which Chat rooms do not use: grant rooms with grants and set per-room data with userClaims.'],
  ['ably.limits.', "Ably's per-connection limits, which this package does not set: leave them out."],
];

/** Checks extra JWT claims: plain JSON, no name Ably or the issuer reserves. */
export function assertClaims(claims: unknown): Record<string, unknown> | undefined {
  if (claims === undefined || claims === null) return undefined;
  if (typeof claims !== 'object' || Array.isArray(claims)) {
    throw new AblyChatAuthError('ERR_INVALID_CLAIMS', `Extra claims must be a plain object; got ${describeValue(claims)}.`, { details: { path: 'claims' } });
  }
  // Before the names: a toJSON or a getter could otherwise change what the checks below saw.
  assertPlainJson(claims, 'claims', 'ERR_INVALID_CLAIMS');
  for (const name of Object.keys(claims)) {
    if (name.toLowerCase().startsWith('x-ably-')) {
      throw new AblyChatAuthError(
        'ERR_RESERVED_CLAIM',
        `The claim '${name}' is reserved by Ably; ably-chat-auth sets x-ably-capability, x-ably-clientId and x-ably-revocation-key itself (use grants, the clientId and the revocationKey option).`,
      );
    }
    const lower = name.toLowerCase();
    const ably = RESERVED_ABLY_PREFIXES.find(([prefix]) => lower.startsWith(prefix));
    if (ably) {
      throw new AblyChatAuthError('ERR_RESERVED_CLAIM', `The claim '${name.slice(0, 80)}' is reserved by Ably for ${ably[1]}`, {
        details: { claim: name.slice(0, 80) },
      });
    }
    if (lower.startsWith('ably.')) {
      throw new AblyChatAuthError(
        'ERR_RESERVED_CLAIM',
        `The claim '${name.slice(0, 80)}' uses Ably's reserved 'ably.' prefix. Set user claims with the userClaims option; name your own claims without the prefix.`,
        { details: { claim: name.slice(0, 80) } },
      );
    }
    if (RESERVED_CLAIMS.has(name)) {
      throw new AblyChatAuthError('ERR_RESERVED_CLAIM', `The claim '${name}' is set by the issuer; use the ttl and clockSkew options instead.`);
    }
  }
  return claims as Record<string, unknown>;
}

/** Checks an `x-ably-revocation-key`. */
export function assertRevocationKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || hasControlCharacter(value)) {
    throw new AblyChatAuthError(
      'ERR_INVALID_REVOCATION_KEY',
      `The revocation key must be a non-empty string of at most 256 characters without control characters; got ${describeValue(value)}.`,
    );
  }
  return value;
}
