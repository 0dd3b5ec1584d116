import jwt from 'jsonwebtoken';
import { AblyApiKey } from './api-key.js';
import { explainCapability, parseCapability, type AblyCapability, type RoomExplanation } from './capability.js';
import { AblyChatAuthError, describeValue } from './errors.js';
import { nullPrototype } from './plain-data.js';
import { pickUserClaim, USER_CLAIM_PREFIX, type AppliedUserClaim } from './user-claims.js';

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

type RawToken = { header: jwt.JwtHeader; payload: Record<string, unknown> };

function decodeRaw(token: unknown): RawToken {
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', 'Not a JWT: expected three base64url parts separated by dots.');
  }
  const decoded = jwt.decode(token.trim(), { complete: true });
  if (!decoded || typeof decoded.payload !== 'object' || decoded.payload === null) {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', 'The JWT could not be decoded: its header or payload is not base64url JSON.');
  }
  // Copied without a prototype, so a claim named `constructor` is found only when the token has it.
  return { header: decoded.header, payload: Object.assign(nullPrototype<unknown>(), decoded.payload) };
}

function describeToken({ header, payload: claims }: RawToken): DecodedAblyToken {
  const rawCapability = claims['x-ably-capability'];
  if (rawCapability === undefined) throw new AblyChatAuthError('ERR_INVALID_TOKEN', 'The JWT has no x-ably-capability claim, so it is not an Ably token.');
  const capability = parseCapability(rawCapability);
  const seconds = (v: unknown) => (typeof v === 'number' ? v * 1000 : undefined);
  return {
    keyName: typeof header.kid === 'string' ? header.kid : undefined,
    algorithm: header.alg,
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
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', `userClaimFor needs a room name; got ${describeValue(room)}.`);
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
 * Verifies an Ably JWT as Ably would: the HS256 signature with the API key, the expiry, the
 * presence of `iat` and `exp` (seconds), and an `x-ably-capability` that is a JSON string of
 * resource -> operations. Then decodes it.
 * @throws AblyChatAuthError `ERR_INVALID_TOKEN` saying why (bad signature, expired, other key,
 * a missing `iat`/`exp`, a capability that is an object or not JSON).
 * @example
 * const { clientId, capability } = verifyAblyToken(token, process.env.ABLY_API_KEY!);
 */
export function verifyAblyToken(token: string, apiKey: string | AblyApiKey, { ignoreExpiration = false } = {}): DecodedAblyToken {
  const key = apiKey instanceof AblyApiKey ? apiKey : AblyApiKey.parse(apiKey);
  const raw = decodeRaw(token);
  const keyName = typeof raw.header.kid === 'string' ? raw.header.kid : undefined;
  if (keyName !== key.keyName) {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', `The token was signed by key '${keyName ?? '(no kid)'}', not by '${key.keyName}'.`);
  }
  try {
    jwt.verify(token, key.hmacKey, { algorithms: ['HS256'], ignoreExpiration });
  } catch (cause) {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', `The token does not verify: ${(cause as Error).message}.`, { cause });
  }
  // jsonwebtoken accepts a token without exp; Ably does not (40144), and ignoreExpiration is about
  // the time, not the claim.
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
