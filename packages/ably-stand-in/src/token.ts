import { createSecretKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import type { Capability } from './capability.js';

/** An Ably error as the realtime protocol carries it. */
export interface AblyErrorInfo {
  code: number;
  statusCode: number;
  message: string;
}

/** What a valid token grants. */
export interface ValidToken {
  clientId: string | undefined;
  capability: Capability;
  /** Milliseconds since the epoch. */
  expires: number;
}

const MAX_TTL_MS = 24 * 60 * 60 * 1000;
/** How far ahead of this clock an `iat` may be before it is "in the future" (Ably allows a little skew). */
const IAT_TOLERANCE_S = 5;

const refuse = (code: number, statusCode: number, message: string): { error: AblyErrorInfo } => ({ error: { code, statusCode, message } });

/** Checks an Ably JWT as Ably documents it: HS256 with the key's secret, `kid`, `iat`/`exp`, a TTL of at most 24 h. */
export async function validateAblyJwt(token: string, keyName: string, secret: KeyObject | string): Promise<ValidToken | { error: AblyErrorInfo }> {
  const key = typeof secret === 'string' ? createSecretKey(Buffer.from(secret, 'utf8')) : secret;
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return refuse(40144, 401, 'Invalid JWT format (stand-in accepts Ably JWTs only).');
  }
  if (header.alg !== 'HS256') return refuse(40144, 401, `Unsupported JWT algorithm ${String(header.alg)}; Ably accepts HS256.`);
  if (header.kid !== keyName) return refuse(40101, 401, `No key named in kid matches this app (kid ${JSON.stringify(header.kid)}).`);
  let payload: JWTPayload;
  try {
    payload = (await jwtVerify(token, key, { algorithms: ['HS256'] })).payload;
  } catch (error) {
    if (error instanceof errors.JWTExpired) return refuse(40142, 401, 'Token expired.');
    return refuse(40144, 401, 'Invalid JWT: the signature does not match the key.');
  }
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || typeof exp !== 'number') return refuse(40144, 401, 'The JWT lacks iat or exp.');
  if (iat > Date.now() / 1000 + IAT_TOLERANCE_S) return refuse(40001, 400, 'issuedAt time must not be in the future.');
  if ((exp - iat) * 1000 > MAX_TTL_MS) return refuse(40003, 400, 'The token TTL exceeds the 24 hour maximum.');
  const rawCapability: unknown = payload['x-ably-capability'];
  let capability: Capability = { '*': ['*'] };
  if (rawCapability !== undefined) {
    try {
      if (typeof rawCapability !== 'string') throw new TypeError('not a string');
      capability = JSON.parse(rawCapability) as Capability;
    } catch {
      return refuse(40000, 400, 'x-ably-capability is not a JSON string.');
    }
  }
  if (Object.keys(capability).length === 0) return refuse(40160, 401, 'The token grants no capability.');
  const clientId: unknown = payload['x-ably-clientId'];
  return { clientId: typeof clientId === 'string' ? clientId : undefined, capability, expires: exp * 1000 };
}
