import type { HmacKey } from './hmac.js';
import { base64urlOfText } from './utf8.js';

// Hand-written rather than jsonwebtoken's sign: for HS256 a JWT is two base64url segments and an
// HMAC, and the issuer already validated the payload and holds the key. jsonwebtoken re-validates
// options and payload, re-serialises and builds its header on every call (about half the time of a
// token), and needs Node. Its output is the oracle in the tests: byte-identical tokens, property-tested.

/** Header segments per key name, e.g. `{"alg":"HS256","typ":"JWT","kid":"appId.keyId"}` in base64url. */
const headerSegments = new Map<string, string>();

function headerSegment(keyName: string): string {
  let segment = headerSegments.get(keyName);
  if (segment === undefined) {
    segment = base64urlOfText(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: keyName }));
    // Bounded: a key provider rotating through many keys must not grow this without end.
    if (headerSegments.size >= 64) headerSegments.clear();
    headerSegments.set(keyName, segment);
  }
  return segment;
}

/**
 * Signs an Ably JWT: `base64url(header).base64url(payloadJson).base64url(HMAC-SHA256)`, with the
 * header `{"alg":"HS256","typ":"JWT","kid":<keyName>}` (the order jsonwebtoken writes it in).
 * `payloadJson` is the claims, already serialised. A string where the key signs synchronously
 * (Node), else a promise.
 */
export function signHs256(keyName: string, key: HmacKey, payloadJson: string): string | Promise<string> {
  const signingInput = `${headerSegment(keyName)}.${base64urlOfText(payloadJson)}`;
  const mac = key.sign(signingInput);
  return typeof mac === 'string' ? `${signingInput}.${mac}` : mac.then((signature) => `${signingInput}.${signature}`);
}
