import { hmacKeyOf, type AblyApiKey } from './api-key.js';
import { randomHex } from './hmac.js';
import { base64urlToBase64 } from './utf8.js';

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

/** The fields of a TokenRequest that are signed; `timestamp` and `nonce` default to now and 16 random bytes. */
export interface TokenRequestFields {
  ttl: number;
  capability: string;
  clientId: string;
  timestamp?: number;
  nonce?: string;
}

/**
 * {@link signTokenRequest}, as a value where the key signs synchronously (Node) and a promise
 * elsewhere: the token route's own path.
 * @internal
 */
export function tokenRequestNow(key: AblyApiKey, fields: TokenRequestFields): AblyTokenRequest | Promise<AblyTokenRequest> {
  const timestamp = fields.timestamp ?? Date.now();
  const nonce = fields.nonce ?? randomHex(16);
  const text = `${key.keyName}\n${fields.ttl}\n${fields.capability}\n${fields.clientId}\n${timestamp}\n${nonce}\n`;
  const build = (mac: string): AblyTokenRequest => ({
    keyName: key.keyName,
    ttl: fields.ttl,
    capability: fields.capability,
    clientId: fields.clientId,
    timestamp,
    nonce,
    mac: base64urlToBase64(mac),
  });
  const mac = hmacKeyOf(key).sign(text);
  return typeof mac === 'string' ? build(mac) : mac.then(build);
}

/**
 * Signs a TokenRequest by Ably's MAC rule: base64(HMAC-SHA256(secret, keyName\nttl\ncapability\n
 * clientId\ntimestamp\nnonce\n)). The capability must already be canonical (sorted resources and
 * operations), as compileGrants produces it. Async on every runtime (WebCrypto signs asynchronously).
 * @example
 * const request = await signTokenRequest(AblyApiKey.parse(process.env.ABLY_API_KEY), { ttl: 3_600_000, capability: compiled.json, clientId: 'alice' });
 */
export async function signTokenRequest(key: AblyApiKey, fields: TokenRequestFields): Promise<AblyTokenRequest> {
  return tokenRequestNow(key, fields);
}
