import { AblyApiKey, hmacKeyOf } from './api-key.js';
import type { AblyCapability } from './capability.js';
import { explainCapability, parseCapability, type RoomExplanation } from './capability-reading.js';
import { AblyChatAuthError, describeValue, invalidOptions } from './errors.js';
import { nullPrototype } from './plain-data.js';
import { pickUserClaim, USER_CLAIM_PREFIX, type AppliedUserClaim } from './user-claims.js';
import { textOfBase64url } from './utf8.js';

/** What an Ably JWT says, read without a key. */
export interface DecodedAblyToken {
  /** `kid`: the key name that signed it. */
  keyName: string | undefined;
  algorithm: string | undefined;
  clientId: string | undefined;
  /** `iat` in milliseconds. */
  issuedAt: number | undefined;
  /** `exp` in milliseconds. */
  expiresAt: number | undefined;
  revocationKey: string | undefined;
  capability: AblyCapability;
  /** Per-room Chat features. */
  rooms: Record<string, RoomExplanation>;
  /** Chat user claims: room pattern -> value, from the `ably.room.<pattern>` claims that are strings. */
  userClaims: Record<string, string>;
  /** Every claim as found. */
  claims: Record<string, unknown>;
}

/** A JWT's parts: the header and claims as parsed, the signed text and the signature. */
interface RawToken {
  header: { alg?: unknown; kid?: unknown };
  payload: Record<string, unknown>;
  signingInput: string;
  signature: string;
}

// Hand-written rather than jsonwebtoken's decode/verify: core must load on runtimes without Node's
// built-ins (jsonwebtoken needs them), and for HS256 both are a base64url split and one HMAC.
// jsonwebtoken remains the tests' oracle and the CLI's independent check.
function decodeRaw(token: unknown): RawToken {
  const parts = typeof token === 'string' ? token.trim().split('.') : [];
  if (parts.length !== 3) {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', 'Not a JWT: expected three base64url parts separated by dots.');
  }
  const [headerSegment, payloadSegment, signature] = parts as [string, string, string];
  const header = jsonObjectOf(headerSegment);
  const payload = jsonObjectOf(payloadSegment);
  if (!header || !payload) {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', 'The JWT could not be decoded: its header or payload is not base64url JSON.');
  }
  // Copied without a prototype, so a claim named `constructor` is found only when the token has it.
  return { header, payload: Object.assign(nullPrototype<unknown>(), payload), signingInput: `${headerSegment}.${payloadSegment}`, signature };
}

/** The JSON object a base64url segment holds, or undefined. */
function jsonObjectOf(segment: string): Record<string, unknown> | undefined {
  const text = textOfBase64url(segment);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function describeToken({ header, payload: claims }: RawToken): DecodedAblyToken {
  const rawCapability = claims['x-ably-capability'];
  if (rawCapability === undefined) throw new AblyChatAuthError('ERR_INVALID_TOKEN', 'The JWT has no x-ably-capability claim, so it is not an Ably token.');
  const capability = parseCapability(rawCapability);
  const seconds = (v: unknown) => (typeof v === 'number' ? v * 1000 : undefined);
  return {
    keyName: typeof header.kid === 'string' ? header.kid : undefined,
    algorithm: typeof header.alg === 'string' ? header.alg : undefined,
    clientId: typeof claims['x-ably-clientId'] === 'string' ? claims['x-ably-clientId'] : undefined,
    issuedAt: seconds(claims.iat),
    expiresAt: seconds(claims.exp),
    revocationKey: typeof claims['x-ably-revocation-key'] === 'string' ? claims['x-ably-revocation-key'] : undefined,
    capability,
    rooms: explainCapability(capability),
    userClaims: userClaimsOf(claims),
    claims,
  };
}

function userClaimsOf(claims: Record<string, unknown>): Record<string, string> {
  const out = nullPrototype<string>();
  for (const [name, value] of Object.entries(claims)) {
    if (name.startsWith(USER_CLAIM_PREFIX) && typeof value === 'string') out[name.slice(USER_CLAIM_PREFIX.length)] = value;
  }
  return out;
}

/**
 * The user claim Ably Chat attaches to what this token's user produces in `room`
 * (`message.userClaim`, `member.userClaim`...): among the token's `ably.room.<pattern>` claims
 * whose pattern matches the room, the most specific. An exact name beats any wildcard; among
 * wildcards the one with more literal leading segments wins (`support:vip:*` over `support:*`);
 * `*` comes last. Undefined when no claim applies. Takes a token (decoded, not verified) or what
 * {@link decodeAblyToken} / {@link verifyAblyToken} returned.
 * @example
 * const applied = userClaimFor(token, 'support:42');
 * // { pattern: 'support:*', value: '{"role":"agent"}' }
 */
export function userClaimFor(token: string | Pick<DecodedAblyToken, 'userClaims'>, room: string): AppliedUserClaim | undefined {
  if (typeof room !== 'string' || room.length === 0) {
    throw invalidOptions(`userClaimFor needs a room name; got ${describeValue(room)}.`);
  }
  const userClaims = typeof token === 'string' ? decodeAblyToken(token).userClaims : token.userClaims;
  return pickUserClaim(userClaims, room);
}

/**
 * Decodes an Ably JWT **without verifying it** (for display, debugging and tests). It shows what
 * a token says even where Ably would refuse it (a capability given as an object, no `exp`); use
 * {@link verifyAblyToken} to check it.
 * @throws AblyChatAuthError `ERR_INVALID_TOKEN` when it is not a JWT or lacks a capability.
 */
export function decodeAblyToken(token: string): DecodedAblyToken {
  return describeToken(decodeRaw(token));
}

/**
 * Verifies an Ably JWT as Ably would: the HS256 signature with the API key (compared in constant
 * time), the expiry and not-before times, the presence of `iat` and `exp` (seconds), and an
 * `x-ably-capability` that is a JSON string of resource -> operations. Then decodes it.
 * Async on every runtime (WebCrypto verifies asynchronously).
 * @throws AblyChatAuthError `ERR_INVALID_TOKEN` saying why (bad signature, expired, other key,
 * a missing `iat`/`exp`, a capability that is an object or not JSON).
 * @example
 * const { clientId, capability } = await verifyAblyToken(token, process.env.ABLY_API_KEY!);
 */
export async function verifyAblyToken(token: string, apiKey: string | AblyApiKey, { ignoreExpiration = false } = {}): Promise<DecodedAblyToken> {
  const key = apiKey instanceof AblyApiKey ? apiKey : AblyApiKey.parse(apiKey);
  const raw = decodeRaw(token);
  const keyName = typeof raw.header.kid === 'string' ? raw.header.kid : undefined;
  if (keyName !== key.keyName) {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', `The token was signed by key '${keyName ?? '(no kid)'}', not by '${key.keyName}'.`);
  }
  const refuse = (why: string): never => {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', `The token does not verify: ${why}.`);
  };
  // Only HS256: `none`, and any other algorithm a forger might name, are refused before the MAC.
  if (raw.header.alg !== 'HS256') refuse(`invalid algorithm (${describeValue(raw.header.alg)}; Ably keys sign HS256)`);
  if (!(await hmacKeyOf(key).verify(raw.signingInput, raw.signature))) refuse('invalid signature');
  const nowSeconds = Math.floor(Date.now() / 1000);
  const { exp, nbf } = raw.payload;
  // As jsonwebtoken: the type of exp is checked with the time, and left to the claim check below when expiry is ignored.
  if (!ignoreExpiration && exp !== undefined && typeof exp !== 'number') refuse(`invalid exp value (${describeValue(exp)})`);
  if (nbf !== undefined && typeof nbf !== 'number') refuse(`invalid nbf value (${describeValue(nbf)})`);
  if (typeof nbf === 'number' && nbf > nowSeconds) refuse(`not active before ${new Date(nbf * 1000).toISOString()}`);
  if (!ignoreExpiration && typeof exp === 'number' && nowSeconds >= exp) refuse(`expired at ${new Date(exp * 1000).toISOString()}`);
  // Ably refuses a token without exp (40144), and ignoreExpiration is about the time, not the claim.
  for (const claim of ['iat', 'exp'] as const) {
    if (typeof raw.payload[claim] !== 'number') {
      throw new AblyChatAuthError(
        'ERR_INVALID_TOKEN',
        `The token has no ${claim} claim (${claim === 'iat' ? 'issued at' : 'expiry'}, in seconds since the epoch); Ably refuses tokens without one (error 40144).`,
      );
    }
  }
  assertCapabilityClaim(raw.payload['x-ably-capability']);
  return describeToken(raw);
}

function assertCapabilityClaim(value: unknown): void {
  const refuse = (why: string, cause?: unknown): never => {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', `The token's x-ably-capability ${why}`, cause === undefined ? {} : { cause });
  };
  if (value === undefined) refuse('claim is missing, so it is not an Ably token.');
  if (typeof value !== 'string')
    refuse(`must be a JSON string; got ${describeValue(value)}. Ably reads the capability from a string such as '{"lobby":["publish"]}'.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value as string);
  } catch (cause) {
    refuse(`is not valid JSON (${describeValue(value)}).`, cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) refuse(`is not a JSON object; got ${describeValue(parsed)}.`);
  try {
    parseCapability(parsed);
  } catch (cause) {
    refuse(`is not a JSON object of resource -> operations: ${(cause as Error).message}`, cause);
  }
}
