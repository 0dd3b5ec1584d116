import { AblyChatAuthError, describeValue } from './errors.js';

/**
 * Request headers as frameworks expose them: Node's `IncomingHttpHeaders` (lower-case names:
 * Express, Koa, Fastify, NestJS) or a Fetch `Headers` object.
 */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>> | { get(name: string): string | null };

/**
 * The web origins allowed to fetch tokens from another site, with the user's cookies: exact
 * origins (`'https://app.example.com'`, scheme, host and port, no path), or a predicate.
 * `'*'` is refused: any website could then read a signed-in user's token.
 */
export type AllowedOrigins = readonly string[] | ((origin: string) => boolean);

/** Reads one header, whatever shape the framework gives; `name` is lower-case. */
export function readHeader(headers: RequestHeaders | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Readonly<Record<string, string | string[] | undefined>>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * True when a browser marked the request as coming from another site: `Sec-Fetch-Site:
 * cross-site`. Without that header (older browsers), a request whose `Origin` is `null` (sandboxed
 * frames, some redirects) or names another host than `Host` counts as cross-site too.
 * Non-browser clients send neither header and are never cross-site.
 *
 * Use it to refuse cross-site form posts (login CSRF) in front of a session login.
 *
 * @example
 * app.post('/login', (req, res, next) => {
 *   if (isCrossSiteRequest(req.headers)) return res.status(403).json({ error: 'cross-site login refused' });
 *   next();
 * });
 */
export function isCrossSiteRequest(headers: RequestHeaders): boolean {
  const site = readHeader(headers, 'sec-fetch-site');
  if (site !== undefined) return site.toLowerCase() === 'cross-site';
  const origin = readHeader(headers, 'origin');
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  const host = readHeader(headers, 'host');
  try {
    return host === undefined || new URL(origin).host.toLowerCase() !== host.toLowerCase();
  } catch {
    return true;
  }
}

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
    throw invalidOrigins(
      value === '*' ? WILDCARD_REFUSED : `allowedOrigins must be an array of origins or a function, not a string; did you mean [${JSON.stringify(value)}]?`,
    );
  }
  if (!Array.isArray(value)) throw invalidOrigins(`allowedOrigins must be an array of origins or a function (origin) => boolean; got ${describeValue(value)}.`);
  const allowed = new Set<string>();
  (value as unknown[]).forEach((entry, index) => {
    if (entry === '*') {
      throw invalidOrigins(WILDCARD_REFUSED);
    }
    if (typeof entry !== 'string')
      throw invalidOrigins(`allowedOrigins[${index}] must be a string such as 'https://app.example.com'; got ${describeValue(entry)}.`);
    let origin: string;
    try {
      origin = new URL(entry).origin;
    } catch {
      throw invalidOrigins(
        `allowedOrigins[${index}] (${JSON.stringify(entry)}) is not an origin; write scheme, host and port, e.g. 'https://app.example.com'.`,
      );
    }
    if (origin === 'null' || origin !== entry) {
      throw invalidOrigins(
        `allowedOrigins[${index}] (${JSON.stringify(entry)}) must be an exact origin, as browsers send it in the Origin header: ${origin === 'null' ? "scheme://host[:port], e.g. 'https://app.example.com'" : `did you mean '${origin}'?`}`,
      );
    }
    allowed.add(origin);
  });
  if (allowed.size === 0) return undefined;
  return (origin) => allowed.has(origin);
}

function invalidOrigins(message: string): AblyChatAuthError {
  return new AblyChatAuthError('ERR_INVALID_OPTIONS', message);
}

/** A header name, as the CORS preflight may list it (RFC 9110 token characters). */
const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

/** The `Access-Control-Request-Headers` of a preflight, if it is a well-formed list. */
export function requestedHeaders(headers: RequestHeaders | undefined): string | undefined {
  const value = readHeader(headers, 'access-control-request-headers')?.trim();
  return value && value.length <= 1024 && HEADER_LIST.test(value) ? value : undefined;
}
