import jwt from 'jsonwebtoken';
import { AblyApiKey } from './api-key.js';
import { explainCapability, parseCapability, type AblyCapability, type RoomExplanation } from './capability.js';
import { AblyChatAuthError } from './errors.js';
import { nullPrototype } from './plain-data.js';

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
  /** Every claim as found. */
  claims: Record<string, unknown>;
}

/**
 * Decodes an Ably JWT **without verifying it** (for display, debugging and tests).
 * @throws AblyChatAuthError `ERR_INVALID_TOKEN` when it is not a JWT or lacks a capability.
 */
export function decodeAblyToken(token: string): DecodedAblyToken {
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', 'Not a JWT: expected three base64url parts separated by dots.');
  }
  const decoded = jwt.decode(token.trim(), { complete: true });
  if (!decoded || typeof decoded.payload !== 'object' || decoded.payload === null) {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', 'The JWT could not be decoded: its header or payload is not base64url JSON.');
  }
  // Copied without a prototype, so a claim named `constructor` is found only when the token has it.
  const claims = Object.assign(nullPrototype<unknown>(), decoded.payload);
  const rawCapability = claims['x-ably-capability'];
  if (rawCapability === undefined) throw new AblyChatAuthError('ERR_INVALID_TOKEN', 'The JWT has no x-ably-capability claim, so it is not an Ably token.');
  const capability = parseCapability(rawCapability);
  const seconds = (v: unknown) => (typeof v === 'number' ? v * 1000 : undefined);
  return {
    keyName: typeof decoded.header.kid === 'string' ? decoded.header.kid : undefined,
    algorithm: decoded.header.alg,
    clientId: typeof claims['x-ably-clientId'] === 'string' ? claims['x-ably-clientId'] : undefined,
    issuedAt: seconds(claims.iat),
    expiresAt: seconds(claims.exp),
    revocationKey: typeof claims['x-ably-revocation-key'] === 'string' ? claims['x-ably-revocation-key'] : undefined,
    capability,
    rooms: explainCapability(capability),
    claims,
  };
}

/**
 * Verifies an Ably JWT's HS256 signature and expiry with the API key, then decodes it.
 * @throws AblyChatAuthError `ERR_INVALID_TOKEN` saying why (bad signature, expired, other key).
 */
export function verifyAblyToken(token: string, apiKey: string | AblyApiKey, { ignoreExpiration = false } = {}): DecodedAblyToken {
  const key = apiKey instanceof AblyApiKey ? apiKey : AblyApiKey.parse(apiKey);
  const decoded = decodeAblyToken(token);
  if (decoded.keyName !== key.keyName) {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', `The token was signed by key '${decoded.keyName ?? '(no kid)'}', not by '${key.keyName}'.`);
  }
  try {
    jwt.verify(token, key.hmacKey, { algorithms: ['HS256'], ignoreExpiration });
  } catch (cause) {
    throw new AblyChatAuthError('ERR_INVALID_TOKEN', `The token does not verify: ${(cause as Error).message}.`, { cause });
  }
  return decoded;
}
