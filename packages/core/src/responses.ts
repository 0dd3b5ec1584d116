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

/** Ably error codes the route answers with. */
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

const CODE_BY_STATUS: Readonly<Record<number, number>> = {
  400: TOKEN_ROUTE_ERROR_CODES.badRequest,
  401: TOKEN_ROUTE_ERROR_CODES.unauthorized,
  403: TOKEN_ROUTE_ERROR_CODES.forbidden,
  405: TOKEN_ROUTE_ERROR_CODES.methodNotAllowed,
  413: TOKEN_ROUTE_ERROR_CODES.payloadTooLarge,
  429: TOKEN_ROUTE_ERROR_CODES.tooManyRequests,
  500: TOKEN_ROUTE_ERROR_CODES.internal,
  503: TOKEN_ROUTE_ERROR_CODES.unavailable,
};

/**
 * The Ably error code for an HTTP status the token route (or a guard, rate limiter or body limit
 * in front of it) answers with: 401 -> 40100, 403 -> 40300, 429 -> 42910...; otherwise status x 100.
 */
export function ablyCodeForStatus(status: number): number {
  return CODE_BY_STATUS[status] ?? status * 100;
}

/** The route's fixed answers, built once; {@link answerOf} hands out copies. */
export const ANSWERS = {
  methodNotAllowed: ablyErrorResponse(405, 40500, 'Method not allowed: the Ably token route answers GET and POST.', { Allow: 'GET, POST' }),
  unauthorized: ablyErrorResponse(401, 40100, 'Not signed in: sign in, then the Ably client will fetch a token again.'),
  forbidden: ablyErrorResponse(403, 40300, 'This user is not allowed to use chat.'),
  crossSite: ablyErrorResponse(
    403,
    40300,
    "Cross-site token request refused: this token route serves only its own site. To let a web app on another origin fetch tokens, add that origin to the route's allowedOrigins option.",
  ),
  internal: ablyErrorResponse(500, 50000, 'The token server failed to issue a token; it has logged the cause.'),
  timeout: ablyErrorResponse(503, 50003, 'The token server timed out; try again shortly.', { 'Retry-After': '5' }),
  unavailable: ablyErrorResponse(503, 50300, 'The token server cannot sign tokens right now; try again shortly.', { 'Retry-After': '5' }),
} as const;

/** A fresh copy of a fixed answer (adapters and CORS add headers to it). */
export function answerOf(name: keyof typeof ANSWERS): TokenRouteResponse {
  const answer = ANSWERS[name];
  return { status: answer.status, headers: { ...answer.headers }, body: answer.body };
}

/** The generic 500 answer: what a fault looks like to the client, with no detail of the cause. */
export function internalErrorResponse(): TokenRouteResponse {
  return answerOf('internal');
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
