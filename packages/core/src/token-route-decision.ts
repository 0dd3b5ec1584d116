import { DeadlineError } from './deadline.js';
import { isAblyChatAuthError } from './errors.js';
import { ablyErrorResponse, copyResponse, refusalResponse, TOKEN_ROUTE_ERROR_CODES, type TokenRouteResponse } from './responses.js';

// What the token route decided for one request, in one record that the HTTP response, the hooks,
// the telemetry and the log line all read. Each outcome's status, reason and message are written
// once, in the tables below: changing one is a change to this file alone.

/** Which step of the token route failed. */
export type TokenRoutePhase = 'origin' | 'resolveUser' | 'clientId' | 'policy' | 'apiKey' | 'issue';

/** How an answer ended, the `ably_chat_auth.outcome` attribute of the span and the metrics. */
export type TokenRouteOutcome =
  'issued' | 'preflight' | 'unauthenticated' | 'forbidden' | 'cross_site' | 'method_not_allowed' | 'rate_limited' | 'timeout' | 'error';

/** The route's refusals: status, the `reason` its `onDenied` hook reports, and what the client reads. */
const REFUSALS = {
  unauthenticated: { status: 401, reason: 'unauthenticated', message: 'Not signed in: sign in, then the Ably client will fetch a token again.' },
  forbidden: { status: 403, reason: 'forbidden', message: 'This user is not allowed to use chat.' },
  cross_site: {
    status: 403,
    reason: 'cross-site',
    message:
      "Cross-site token request refused: this token route serves only its own site. To let a web app on another origin fetch tokens, add that origin to the route's allowedOrigins option.",
  },
  method_not_allowed: {
    status: 405,
    reason: 'method-not-allowed',
    message: 'Method not allowed: the Ably token route answers GET and POST.',
    headers: { Allow: 'GET, POST' },
  },
} as const;

/** The route's faults: the response (never the cause) and the outcome telemetry records. */
const FAULTS = {
  internal: { outcome: 'error', status: 500, message: 'The token server failed to issue a token; it has logged the cause.' },
  unavailable: { outcome: 'error', status: 503, message: 'The token server cannot sign tokens right now; try again shortly.', headers: { 'Retry-After': '5' } },
  timeout: {
    outcome: 'timeout',
    status: 503,
    // Its own Ably code, which ably-js reports as a timeout.
    code: TOKEN_ROUTE_ERROR_CODES.timeout,
    message: 'The token server timed out; try again shortly.',
    headers: { 'Retry-After': '5' },
  },
} as const;

/** A refusal of the route (401, 403, 405). */
export type TokenRouteRefusal = keyof typeof REFUSALS;
/** The statuses of the route's refusals, as its `onDenied` hook reports them. */
export type TokenRouteRefusalStatus = (typeof REFUSALS)[TokenRouteRefusal]['status'];
/** The reasons of the route's refusals, as its `onDenied` hook reports them. */
export type TokenRouteRefusalReason = (typeof REFUSALS)[TokenRouteRefusal]['reason'];
/** The statuses of the route's faults, as its `onError` hook reports them. */
export type TokenRouteFaultStatus = (typeof FAULTS)[keyof typeof FAULTS]['status'];

/** When and with which key a token was issued, for the `onTokenIssued` hook. */
export interface IssuedTiming {
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly keyName: string;
}

/** What the route decided for one request. */
export type TokenRouteDecision =
  | { outcome: 'issued'; status: 200; response: TokenRouteResponse; clientId: string; rooms: readonly string[]; issued: IssuedTiming }
  | { outcome: 'preflight'; status: 204; response: TokenRouteResponse }
  | { outcome: TokenRouteRefusal; status: TokenRouteRefusalStatus; reason: TokenRouteRefusalReason; response: TokenRouteResponse; clientId?: string }
  | { outcome: 'timeout' | 'error'; status: TokenRouteFaultStatus; response: TokenRouteResponse; phase: TokenRoutePhase; error: unknown };

type RefusalDecision = Extract<TokenRouteDecision, { reason: TokenRouteRefusalReason }>;
type FaultDecision = Extract<TokenRouteDecision, { phase: TokenRoutePhase }>;

/** Each fixed response, built once; decisions carry copies (CORS and adapters add headers). */
const REFUSAL_RESPONSES = Object.fromEntries(
  Object.entries(REFUSALS).map(([name, refusal]) => [name, refusalResponse(refusal.status, refusal.message, 'headers' in refusal ? refusal.headers : {})]),
) as Record<TokenRouteRefusal, TokenRouteResponse>;
const FAULT_RESPONSES = Object.fromEntries(
  Object.entries(FAULTS).map(([name, fault]) => {
    const headers = 'headers' in fault ? fault.headers : {};
    return [
      name,
      'code' in fault ? ablyErrorResponse(fault.status, fault.code, fault.message, headers) : refusalResponse(fault.status, fault.message, headers),
    ];
  }),
) as Record<keyof typeof FAULTS, TokenRouteResponse>;

/** The decision to refuse: 401, 403 or 405. */
export function refusal(outcome: TokenRouteRefusal, clientId?: string): RefusalDecision {
  const { status, reason } = REFUSALS[outcome];
  const decision: RefusalDecision = { outcome, status, reason, response: copyResponse(REFUSAL_RESPONSES[outcome]) };
  if (clientId !== undefined) decision.clientId = clientId;
  return decision;
}

/**
 * The decision after a fault in `phase`: a timeout or a failing key provider is 503 (the client
 * retries), anything else 500, a key provider that returned no key at all included (an unset
 * environment variable does not fix itself). The response never carries the cause.
 */
export function fault(error: unknown, phase: TokenRoutePhase): FaultDecision {
  const keyUnavailable = phase === 'apiKey' && isAblyChatAuthError(error) && error.details?.missing !== true;
  const kind = error instanceof DeadlineError ? 'timeout' : keyUnavailable ? 'unavailable' : 'internal';
  const { outcome, status } = FAULTS[kind];
  return { outcome, status, response: copyResponse(FAULT_RESPONSES[kind]), phase, error };
}

/** The generic 500 response: what a fault looks like to the client, with no detail of the cause. */
export function internalErrorResponse(): TokenRouteResponse {
  return copyResponse(FAULT_RESPONSES.internal);
}
