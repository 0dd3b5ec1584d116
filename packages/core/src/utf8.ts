import { nodeBuiltin } from './runtime.js';

/**
 * UTF-8 and base64url without `Buffer`: Node's Buffer (reached at run time) where the host has
 * one, because it is several times faster per token than the portable path; TextEncoder, btoa and
 * atob, which every runtime with `fetch` has, everywhere else. Both give the same bytes.
 */

interface NodeBufferInstance {
  toString(encoding: string, start?: number, end?: number): string;
  write(text: string, offset: number, encoding: 'utf8'): number;
  length: number;
}

interface NodeBufferClass {
  from(text: string, encoding?: string): NodeBufferInstance;
  alloc(size: number): NodeBufferInstance;
}

const NodeBuffer = nodeBuiltin<{ Buffer: NodeBufferClass }>('node:buffer')?.Buffer;
// Reused for every token's payload (signing is synchronous, so nothing interleaves): encoding into
// it and reading base64url back costs about a third less than Buffer.from's allocation per token.
// Tokens whose text could take more than its size encode through Buffer.from instead.
let scratch: NodeBufferInstance | undefined;
const SCRATCH_BYTES = 16 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** The UTF-8 bytes of a string (lone surrogates become U+FFFD, as in every encoder). */
export function utf8Bytes(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/**
 * How many bytes a string takes in UTF-8, as `Buffer.byteLength(text, 'utf8')` counts it (a lone
 * surrogate is the 3 bytes of U+FFFD), without encoding it (TextEncoder would copy it): it runs for
 * every user claim of every token and every answer an adapter writes.
 */
export function utf8ByteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: 4 bytes for 2 UTF-16 units
      i++;
    } else bytes += 2; // 3 bytes (a lone surrogate too: U+FFFD)
  }
  return bytes;
}

/** base64url (no padding) of bytes. */
export function base64urlOfBytes(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode(...bytes) of a large array would overflow the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (no padding) of a string's UTF-8 bytes. */
export function base64urlOfText(text: string): string {
  if (NodeBuffer) {
    // At most 3 UTF-8 bytes per UTF-16 unit, so the text always fits.
    if (text.length * 3 > SCRATCH_BYTES) return NodeBuffer.from(text, 'utf8').toString('base64url');
    scratch ??= NodeBuffer.alloc(SCRATCH_BYTES);
    return scratch.toString('base64url', 0, scratch.write(text, 0, 'utf8'));
  }
  return base64urlOfBytes(encoder.encode(text));
}

/** base64 (padded) of a string's UTF-8 bytes, for HTTP basic auth. */
export function base64OfText(text: string): string {
  if (NodeBuffer) return NodeBuffer.from(text, 'utf8').toString('base64');
  return base64urlToBase64(base64urlOfBytes(encoder.encode(text)));
}

/** Turns base64url into padded base64 (the TokenRequest MAC's alphabet). */
export function base64urlToBase64(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return base64 + '='.repeat((4 - (base64.length % 4)) % 4);
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** The bytes of a base64url segment (padding tolerated), or undefined when it is not base64url. */
export function bytesOfBase64url(segment: string): Uint8Array<ArrayBuffer> | undefined {
  const unpadded = segment.replace(/=+$/, '');
  if (!BASE64URL.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  let binary: string;
  try {
    binary = atob(base64urlToBase64(unpadded));
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The text of a base64url segment of UTF-8, or undefined when it is not base64url. */
export function textOfBase64url(segment: string): string | undefined {
  const bytes = bytesOfBase64url(segment);
  return bytes && decoder.decode(bytes);
}
