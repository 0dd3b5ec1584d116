import { describeValue, invalidOptions } from './errors.js';
import { readHeader, type RequestHeaders } from './read-header.js';
import { NO_STORE_HEADERS, type TokenRouteResponse } from './responses.js';

// The route's CORS: which origins on other sites may fetch tokens, and the headers it answers them with.

/**
 * The web origins allowed to fetch tokens from another site, with the user's cookies: exact
 * origins (`'https://app.example.com'`, scheme, host and port, no path), or a predicate.
 * `'*'` is refused: any website could then read a signed-in user's token.
 */
export type AllowedOrigins = readonly string[] | ((origin: string) => boolean);

const WILDCARD_REFUSED =
  "allowedOrigins: '*' would let every website read a signed-in user's token (the browser sends the user's cookies). List the origins that may, e.g. ['https://app.example.com'], or pass a function.";

/** The checked form of {@link AllowedOrigins}: a test for one origin. */
export type OriginCheck = (origin: string) => boolean;

/**
 * Validates `allowedOrigins` at startup and returns the test the route runs per request
 * (undefined when no cross-site origin is allowed).
 */
export function resolveAllowedOrigins(value: unknown): OriginCheck | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as OriginCheck;
  if (typeof value === 'string') {
    throw invalidOptions(
      value === '*' ? WILDCARD_REFUSED : `allowedOrigins must be an array of origins or a function, not a string; did you mean [${JSON.stringify(value)}]?`,
    );
  }
  if (!Array.isArray(value)) throw invalidOptions(`allowedOrigins must be an array of origins or a function (origin) => boolean; got ${describeValue(value)}.`);
  const allowed = new Set<string>();
  (value as unknown[]).forEach((entry, index) => {
    if (entry === '*') {
      throw invalidOptions(WILDCARD_REFUSED);
    }
    if (typeof entry !== 'string')
      throw invalidOptions(`allowedOrigins[${index}] must be a string such as 'https://app.example.com'; got ${describeValue(entry)}.`);
    let origin: string;
    try {
      origin = new URL(entry).origin;
    } catch {
      throw invalidOptions(
        `allowedOrigins[${index}] (${JSON.stringify(entry)}) is not an origin; write scheme, host and port, e.g. 'https://app.example.com'.`,
      );
    }
    if (origin === 'null' || origin !== entry) {
      throw invalidOptions(
        `allowedOrigins[${index}] (${JSON.stringify(entry)}) must be an exact origin, as browsers send it in the Origin header: ${origin === 'null' ? "scheme://host[:port], e.g. 'https://app.example.com'" : `did you mean '${origin}'?`}`,
      );
    }
    allowed.add(origin);
  });
  if (allowed.size === 0) return undefined;
  return (origin) => allowed.has(origin);
}

/** A header name, as the CORS preflight may list it (RFC 9110 token characters). */
const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

/** The `Access-Control-Request-Headers` of a preflight, if it is a well-formed list. */
export function requestedHeaders(headers: RequestHeaders | undefined): string | undefined {
  const value = readHeader(headers, 'access-control-request-headers')?.trim();
  return value && value.length <= 1024 && HEADER_LIST.test(value) ? value : undefined;
}

/** Adds the CORS headers of an allowed origin (or, for no allowed origin, just `Vary: Origin`) to a response. */
export function withCorsHeaders(response: TokenRouteResponse, origin: string | undefined): TokenRouteResponse {
  if (origin === undefined) response.headers.Vary = 'Origin';
  else Object.assign(response.headers, { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' });
  return response;
}

/** The CORS preflight of an allowed origin: 204 with the methods and the headers it asked for. */
export function preflightResponse(headers: RequestHeaders | undefined, origin: string): TokenRouteResponse {
  const asked = requestedHeaders(headers);
  return {
    status: 204,
    headers: {
      ...NO_STORE_HEADERS,
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Methods': 'GET, POST',
      ...(asked ? { 'Access-Control-Allow-Headers': asked } : {}),
      'Access-Control-Max-Age': '600',
      Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    },
    body: '',
  };
}
