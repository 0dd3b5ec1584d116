import { createHmac, randomBytes } from 'node:crypto';
import type { AblyApiKey } from './api-key.js';

/** An Ably TokenRequest: the client exchanges it with Ably for a token (Ably's native flow). */
export interface AblyTokenRequest {
  keyName: string;
  /** Lifetime in milliseconds. */
  ttl: number;
  /** The capability as a canonical JSON string. */
  capability: string;
  clientId: string;
  /** Milliseconds since the epoch; Ably accepts it within about 2 minutes of its own clock. */
  timestamp: number;
  /** Random, single-use. */
  nonce: string;
  /** base64 HMAC-SHA256 over the fields above, keyed with the secret. */
  mac: string;
}

/**
 * Signs a TokenRequest by Ably's MAC rule: base64(HMAC-SHA256(secret, keyName\nttl\ncapability\n
 * clientId\ntimestamp\nnonce\n)). The capability must already be canonical (sorted resources and
 * operations), as compileGrants produces it.
 */
export function signTokenRequest(
  key: AblyApiKey,
  fields: { ttl: number; capability: string; clientId: string; timestamp?: number; nonce?: string },
): AblyTokenRequest {
  const timestamp = fields.timestamp ?? Date.now();
  const nonce = fields.nonce ?? randomBytes(16).toString('hex');
  const text = `${key.keyName}\n${fields.ttl}\n${fields.capability}\n${fields.clientId}\n${timestamp}\n${nonce}\n`;
  const mac = createHmac('sha256', key.hmacKey).update(text).digest('base64');
  return { keyName: key.keyName, ttl: fields.ttl, capability: fields.capability, clientId: fields.clientId, timestamp, nonce, mac };
}
