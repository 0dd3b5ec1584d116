import type { IssuedToken } from './issuer.js';
import type { AblyTokenRequest } from './token-request.js';

/** What an adapter writes back: the status, the headers and the body, byte for byte. */
export interface TokenRouteResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers on every answer: tokens must never be cached or sniffed. */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
});

/** Ably error codes the route answers with: the one table of them (the other code of a status is status x 100). */
export const TOKEN_ROUTE_ERROR_CODES = {
  badRequest: 40000,
  unauthorized: 40100,
  forbidden: 40300,
  methodNotAllowed: 40500,
  payloadTooLarge: 41300,
  tooManyRequests: 42910,
  internal: 50000,
  timeout: 50003,
  unavailable: 50300,
} as const;

/** Each status's code, from the table: the first code of each status (503 -> 50300, not the timeout's 50003). */
const CODE_BY_STATUS: ReadonlyMap<number, number> = new Map(
  Object.values(TOKEN_ROUTE_ERROR_CODES)
    .map((code) => [Math.floor(code / 100), code] as const)
    .filter(([, code]) => code !== TOKEN_ROUTE_ERROR_CODES.timeout),
);

/**
 * Builds an error answer in Ably's shape: a JSON body `{"error":{"message","code","statusCode"}}`
 * plus the `x-ably-errorcode` and `x-ably-errormessage` headers that ably-js reads in browsers.
 * For refusals in front of the token route too (rate limits, body limits, guards).
 *
 * @example
 * const { status, headers, body } = ablyErrorResponse(429, ablyCodeForStatus(429), 'Too many token requests; try again in a minute.', { 'Retry-After': '60' });
 */
export function ablyErrorResponse(status: number, code: number, message: string, extraHeaders: Record<string, string> = {}): TokenRouteResponse {
  return {
    status,
    headers: {
      ...NO_STORE_HEADERS,
      'Content-Type': 'application/json; charset=utf-8',
      'x-ably-errorcode': String(code),
      'x-ably-errormessage': message.replace(/[^\x20-\x7e]/g, '?'),
      ...extraHeaders,
    },
    body: JSON.stringify({ error: { message, code, statusCode: status } }),
  };
}

/**
 * The Ably error code for an HTTP status the token route (or a guard, rate limiter or body limit
 * in front of it) answers with: 401 -> 40100, 403 -> 40300, 429 -> 42910...; otherwise status x 100.
 */
export function ablyCodeForStatus(status: number): number {
  return CODE_BY_STATUS.get(status) ?? status * 100;
}

/**
 * A refusal in Ably's error shape, for an app's own checks in front of the token route (a rate
 * limit, a body limit, a guard): the Ably client reads the status (401 and 403 stop it for good,
 * 429 and 5xx make it retry) and the code from it. Write it with the adapter's writer.
 *
 * @example
 * const { status, headers, body } = refusalResponse(429, 'Too many token requests; try again in a minute.', { 'Retry-After': '60' });
 */
export function refusalResponse(status: number, message: string, extraHeaders: Record<string, string> = {}): TokenRouteResponse {
  return ablyErrorResponse(status, ablyCodeForStatus(status), message, extraHeaders);
}

/** A fresh copy of a response built once (adapters and CORS add headers to it). */
export function copyResponse(response: Readonly<TokenRouteResponse>): TokenRouteResponse {
  return { status: response.status, headers: { ...response.headers }, body: response.body };
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The body format of a successful answer. */
export type TokenResponseFormat = 'jwt' | 'token-details' | 'token-request';

// NO_STORE_HEADERS and the content type, written out: a fresh object per answer (CORS and adapters
// add to it) from a literal, which costs less than spreading the frozen constant on every token.
function tokenHeaders(contentType: string): Record<string, string> {
  return { 'Cache-Control': 'no-store', Pragma: 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Content-Type': contentType };
}

/** The 200 answer for a signed JWT: the token itself, or Ably's TokenDetails JSON. */
export function tokenResponse(issued: IssuedToken, format: 'jwt' | 'token-details'): TokenRouteResponse {
  if (format === 'jwt') return { status: 200, headers: tokenHeaders('application/jwt'), body: issued.token };
  return {
    status: 200,
    headers: tokenHeaders(JSON_TYPE),
    body: JSON.stringify({
      token: issued.token,
      issued: issued.issuedAt,
      expires: issued.expiresAt,
      capability: issued.capabilityJson,
      clientId: issued.clientId,
    }),
  };
}

/** The 200 answer for a signed Ably TokenRequest. */
export function tokenRequestResponse(request: AblyTokenRequest): TokenRouteResponse {
  return { status: 200, headers: tokenHeaders(JSON_TYPE), body: JSON.stringify(request) };
}
