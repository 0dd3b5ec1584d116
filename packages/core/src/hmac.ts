import { nodeBuiltin } from './runtime.js';
import { base64urlOfBytes, bytesOfBase64url, utf8Bytes } from './utf8.js';

/**
 * HMAC-SHA256 with one key, built once per API key. Node's `crypto` (a `KeyObject`, signing
 * synchronously) where the host has it, as it is the fastest path there; WebCrypto
 * (`crypto.subtle`, an imported `CryptoKey`) everywhere else. Both give the same bytes, so a token
 * is identical whichever signed it. Public functions that sign are async on every runtime; this
 * returns a string where it can, so Node's token route saves a promise per token.
 */
export interface HmacKey {
  /** The base64url (unpadded) MAC of `data`'s UTF-8 bytes. */
  sign(data: string): string | Promise<string>;
  /** Whether `mac` (base64url) is `data`'s MAC, compared in constant time. */
  verify(data: string, mac: string): boolean | Promise<boolean>;
}

interface NodeHmac {
  update(data: string): NodeHmac;
  digest(): Uint8Array;
  digest(encoding: 'base64url'): string;
}

export interface NodeCrypto {
  createSecretKey(key: Uint8Array): object;
  createHmac(algorithm: 'sha256', key: object): NodeHmac;
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
  /** One-shot hashing: Node >= 20.12 and 21.7; absent in older Nodes and some other hosts. */
  hash?: OneShotHash;
}

export interface OneShotHash {
  (algorithm: 'sha256', data: string | Uint8Array, outputEncoding: 'buffer'): Uint8Array;
  (algorithm: 'sha256', data: string | Uint8Array, outputEncoding: 'base64url'): string;
}

/** Which implementation signs: `'auto'` picks Node's crypto where present. */
export type HmacBackend = 'auto' | 'node' | 'webcrypto';

// Loaded on first use rather than when core loads: loading node:crypto takes several ms, which a
// process that only decodes tokens (the CLI's inspect and explain) would pay at every start.
let loadedNodeCrypto: NodeCrypto | null | undefined;

function nodeCrypto(): NodeCrypto | undefined {
  if (loadedNodeCrypto === undefined) loadedNodeCrypto = nodeBuiltin<NodeCrypto>('node:crypto') ?? null;
  return loadedNodeCrypto ?? undefined;
}

let chosen: HmacBackend = 'auto';

/**
 * Chooses the implementation for keys created from now on. For tests and benchmarks, which run
 * the WebCrypto path on Node to compare the two.
 * @internal
 */
export function useHmacBackend(choice: HmacBackend): void {
  if (choice === 'node' && !nodeCrypto()) throw new Error("This runtime has no node:crypto: the 'node' HMAC backend is unavailable.");
  chosen = choice;
}

/** The implementation keys created now use. @internal */
export function hmacBackend(): 'node' | 'webcrypto' {
  return chosen === 'auto' ? (nodeCrypto() ? 'node' : 'webcrypto') : chosen;
}

export function createHmacKey(secret: string): HmacKey {
  const crypto = chosen === 'webcrypto' ? undefined : nodeCrypto();
  return crypto ? nodeHmacKey(crypto, secret) : webCryptoHmacKey(secret);
}

/** @internal exported for tests, which give it a crypto whose `hash` misbehaves. */
export function nodeHmacKey(crypto: NodeCrypto, secret: string): HmacKey {
  const key = crypto.createSecretKey(utf8Bytes(secret));
  const streamed = (data: string) => crypto.createHmac('sha256', key).update(data).digest('base64url');
  return {
    sign: agreesWith(streamed, oneShotHmac(crypto.hash, secret)) ?? streamed,
    verify(data, mac) {
      const given = macBytes(mac);
      const expected = crypto.createHmac('sha256', key).update(data).digest();
      return given !== undefined && given.length === expected.length && crypto.timingSafeEqual(given, expected);
    },
  };
}

/** Non-ASCII text and a lone surrogate, which both forms must encode as UTF-8 alike. */
const PROBE = '\u00e9\u{1F600}\ud800';

/**
 * `candidate` where it gives `reference`'s MAC on this host (checked once, per key), else
 * undefined: a host whose `crypto.hash` differs from Node's, or throws, keeps `createHmac`.
 */
function agreesWith(reference: (data: string) => string, candidate: ((data: string) => string) | undefined): ((data: string) => string) | undefined {
  try {
    return candidate?.(PROBE) === reference(PROBE) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/**
 * HMAC-SHA256 (RFC 2104) as two one-shot hashes, `H((K ^ opad) || H((K ^ ipad) || data))`, where
 * the host has `crypto.hash` (Node >= 20.12). Written by hand because Node has no one-shot HMAC:
 * `createHmac` builds a stream object and a native handle for every token, about a tenth of a
 * token's time; `crypto.hash` hashes in one native call. Only for secrets of at most 64 ASCII
 * bytes (every Ably key's secret is base64), whose `K ^ ipad` is itself ASCII text: the inner hash
 * then reads `ipadText + data` as UTF-8, with no buffer to fill per token. Undefined otherwise.
 * @internal exported for tests
 */
export function oneShotHmac(hash: OneShotHash | undefined, secret: string): ((data: string) => string) | undefined {
  if (typeof hash !== 'function' || !/^\p{ASCII}{0,64}$/u.test(secret)) return undefined;
  let ipadText = '';
  // opad || the inner digest: the outer hash's whole input, its last 32 bytes rewritten per token.
  const outer = new Uint8Array(96);
  for (let i = 0; i < 64; i++) {
    const byte = secret.charCodeAt(i) | 0; // NaN past the end: the zero padding
    ipadText += String.fromCharCode(byte ^ 0x36);
    outer[i] = byte ^ 0x5c;
  }
  return (data) => {
    outer.set(hash('sha256', ipadText + data, 'buffer'), 64);
    return hash('sha256', outer, 'base64url');
  };
}

const ALGORITHM = { name: 'HMAC', hash: 'SHA-256' } as const;

function webCryptoHmacKey(secret: string): HmacKey {
  // Imported on first use, not at creation: a key parsed at startup must not start async work
  // (nor fail) before anything signs. The promise is kept, so every later token reuses the key.
  let imported: Promise<CryptoKey> | undefined;
  const cryptoKey = () => (imported ??= subtle().importKey('raw', utf8Bytes(secret), ALGORITHM, false, ['sign', 'verify']));
  return {
    async sign(data) {
      return base64urlOfBytes(new Uint8Array(await subtle().sign('HMAC', await cryptoKey(), utf8Bytes(data))));
    },
    async verify(data, mac) {
      const given = macBytes(mac);
      // subtle.verify compares in constant time.
      return given !== undefined && subtle().verify('HMAC', await cryptoKey(), given, utf8Bytes(data));
    },
  };
}

/**
 * The bytes of a MAC in canonical base64url, else undefined. The last character of a 32-byte
 * MAC carries two unused bits, so four spellings decode to the same bytes; only the one an
 * encoder writes is accepted (as jsonwebtoken, which compares the text, does), so a token has
 * one valid signature and cannot be re-spelt into another that passes.
 */
function macBytes(mac: string): Uint8Array<ArrayBuffer> | undefined {
  const bytes = bytesOfBase64url(mac);
  return bytes !== undefined && base64urlOfBytes(bytes) === mac ? bytes : undefined;
}

function subtle(): SubtleCrypto {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) {
    throw new Error('This runtime has neither node:crypto nor WebCrypto (crypto.subtle): ably-chat-auth cannot sign tokens here.');
  }
  return subtle;
}

/** `bytes` random bytes as hex, from `crypto.getRandomValues` (every runtime has it). */
export function randomHex(bytes: number): string {
  const random = crypto.getRandomValues(new Uint8Array(bytes));
  let hex = '';
  for (const byte of random) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
