// Structural copies of the few ably-js types the callback touches, so the package needs no `ably`
// at run time and its types match whichever ably 2.x the app installs.

/** An Ably TokenDetails, as a token route answers it in JSON. */
export interface TokenDetails {
  token: string;
  expires: number;
  issued: number;
  capability: string;
  clientId?: string;
}

/** A signed Ably TokenRequest, which the Ably client exchanges for a token itself. */
export interface TokenRequest {
  keyName: string;
  capability: string;
  timestamp: number;
  nonce: string;
  mac: string;
  clientId?: string;
  ttl?: number;
}

/** What the token route can answer: an Ably JWT or token string, a TokenDetails or a TokenRequest. */
export type AuthToken = string | TokenDetails | TokenRequest;

/**
 * The error handed to the Ably client. Shaped like ably's `ErrorInfo`: `statusCode` decides what
 * the client does next (403 fails the connection; anything else is retried).
 */
export interface TokenRouteError extends Error {
  /** Ably error code: the body's `error.code`, else the HTTP status x 100. */
  code: number;
  /** The HTTP status the token route answered (403 also for a 401 with `unauthenticated: 'stop'`). */
  statusCode: number;
  /** Never set: ably's `ErrorInfo.cause` is an `ErrorInfo`, so an arbitrary cause would not type-check as one. */
  cause?: undefined;
}

/** The function ably's `authCallback` option takes. */
export type AuthCallback = (tokenParams: unknown, callback: (error: TokenRouteError | null, tokenOrDetails: AuthToken | null) => void) => void;

/** Headers sent with every token request, or a function that returns them (called each time). */
export type AuthHeaders = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/** Options of {@link createAuthCallback}. */
export interface AuthCallbackOptions {
  /** HTTP method of the token request. Default `'GET'`. The Ably client's tokenParams are never sent. */
  method?: 'GET' | 'POST';
  /** `fetch`'s credentials mode. Default `'include'`, so the session cookie goes along. */
  credentials?: 'include' | 'same-origin' | 'omit';
  /** Extra headers (`Authorization: Bearer ...`, a CSRF header), or a sync/async function called for every request. */
  headers?: AuthHeaders;
  /** The `fetch` to use (React Native, tests). Default: the global `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Milliseconds to wait for the route before giving up with a retriable error. Default 10000. */
  timeout?: number;
  /**
   * What a 401 ("not signed in") means: `'retry'` (default) lets the Ably client retry, as for a
   * session that may come back; `'stop'` fails the connection like a 403, for apps that send the
   * user to a login page.
   */
  unauthenticated?: 'retry' | 'stop';
  /** Called once per 401 answer, e.g. to show a login form. Errors it throws are ignored. */
  onUnauthenticated?: (error: TokenRouteError) => void;
  /** Called once per 403 answer, e.g. to show "you may not chat". Errors it throws are ignored. */
  onForbidden?: (error: TokenRouteError) => void;
}
