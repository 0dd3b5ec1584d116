import { inspect } from 'node:util';
import type { AblyApiKey } from './api-key.js';
import { compileGrants, type ChatGrants, type CompiledCapability } from './capability.js';
import { parseDurationSeconds, type Duration } from './duration.js';
import { AblyChatAuthError, isAblyChatAuthError, describeValue } from './errors.js';
import { createTokenIssuer, type IssuedToken, type TokenIssuer, type TokenIssuerOptions } from './issuer.js';
import { consoleLogger, silentLogger, type Logger } from './logger.js';
import { readHeader, requestedHeaders, resolveAllowedOrigins, type AllowedOrigins, type RequestHeaders } from './cross-site.js';

/** What a policy may return: grants, or nothing (null, undefined, false) to refuse with 403. */
export type PolicyResult = ChatGrants | null | undefined | false;

/**
 * Decides what a user gets: a function of the user and the framework's request (sync or async),
 * or a static grants object for everyone who is logged in.
 */
export type ChatPolicy<User = unknown, Req = unknown> = ChatGrants | ((user: User, req: Req) => PolicyResult | Promise<PolicyResult>);

/**
 * Writes a policy function with its grants typed, so string literals such as `'all'` or
 * `['send', 'history']` keep their feature types without `as const`. Returns `policy` itself.
 *
 * @example
 * interface AppUser { id: string; banned: boolean }
 * const policy = definePolicy((user: AppUser) =>
 *   user.banned ? null : { lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'history'] },
 * );
 */
export function definePolicy<User, Req = unknown>(policy: (user: User, req: Req) => PolicyResult | Promise<PolicyResult>): (user: User, req: Req) => PolicyResult | Promise<PolicyResult> {
  return policy;
}

/** Finds the logged-in user for a request; nothing (null, undefined, false, '') means "not logged in" (401). */
export type UserResolver<User = unknown, Req = unknown> = (req: Req) => User | null | undefined | false | '' | Promise<User | null | undefined | false | ''>;

/** The body format of a successful answer. */
export type TokenResponseFormat = 'jwt' | 'token-details' | 'token-request';

/** Events for audit and metrics. Hooks never receive the token or the key; a hook that throws is logged and ignored. */
export interface TokenRouteHooks<User = unknown, Req = unknown> {
  /** A token was issued. */
  onTokenIssued?(event: { clientId: string; rooms: readonly string[]; issuedAt: number; expiresAt: number; keyName: string; user: User; request: Req }): void | Promise<void>;
  /** The route refused: 401 (not logged in), 403 (no grants, or a cross-site request from an origin not allowed) or 405 (wrong method). */
  onDenied?(event: {
    status: 401 | 403 | 405;
    reason: 'unauthenticated' | 'forbidden' | 'cross-site' | 'method-not-allowed';
    clientId?: string;
    request: Req;
  }): void | Promise<void>;
  /** The route failed: 500 (resolver, policy or configuration fault) or 503 (timeout, key provider). */
  onError?(event: { status: 500 | 503; error: unknown; phase: TokenRoutePhase; request: Req }): void | Promise<void>;
}

/** Which step of the token route failed. */
export type TokenRoutePhase = 'origin' | 'resolveUser' | 'clientId' | 'policy' | 'apiKey' | 'issue';

/** Options of {@link createTokenRoute}: the issuer's options plus who asks and what they get. */
export interface TokenRouteOptions<User = unknown, Req = unknown> extends TokenIssuerOptions {
  /** Finds the logged-in user from the framework's request. Adapters default it to `req.user`. */
  resolveUser: UserResolver<User, Req>;
  /** What the user gets. No grants: 403, and the Ably client stops retrying. */
  policy: ChatPolicy<User, Req>;
  /** Maps the user to the token's clientId. Default `user.clientId ?? user.id` (numbers become strings). */
  clientId?: (user: User) => string;
  /** Per-user `x-ably-revocation-key` (a team or session id), for bulk revocation. */
  revocationKey?: (user: User, req: Req) => string | undefined | null;
  /** Extra JWT claims per user (e.g. Chat's `ably.room.<room>` user claims). */
  claims?: (user: User, req: Req) => Record<string, unknown> | undefined | null;
  /**
   * `'jwt'` (default): `Content-Type: application/jwt`, the body is the token (works with ably-js
   * `authUrl` and with `response.text()` in an `authCallback`). `'token-details'`: JSON TokenDetails
   * (`token`, `issued`, `expires`, `capability`, `clientId`). `'token-request'`: a signed Ably
   * TokenRequest (JSON) that the client exchanges with Ably itself; it carries no revocation key
   * or extra claims, so those options are refused with it.
   */
  responseFormat?: TokenResponseFormat;
  /** Deadline for resolving the user, the policy and the key together; past it the route answers 503. Default `'10s'`. */
  timeout?: Duration;
  /** Audit and metrics hooks. */
  hooks?: TokenRouteHooks<User, Req>;
  /** Where faults are logged. Default: `console`. `false` silences it. */
  logger?: Logger | false;
  /**
   * Web origins on other sites allowed to fetch tokens with the user's cookies (a web app served
   * from another origin than this route). By default a request the browser marks
   * `Sec-Fetch-Site: cross-site` is refused with 403, and no CORS header is ever sent. For an
   * allowed `Origin` every answer carries `Access-Control-Allow-Origin: <that origin>`,
   * `Access-Control-Allow-Credentials: true` and `Vary: Origin`, and the CORS preflight
   * (`OPTIONS`) is answered 204. Exact origins (`'https://app.example.com'`) or a predicate;
   * `'*'` is refused at startup.
   */
  allowedOrigins?: AllowedOrigins;
}

/** The framework-free description of a token request that adapters build. */
export interface TokenRouteRequest<Req = unknown> {
  /** HTTP method. */
  method: string;
  /**
   * The query string and parsed body are accepted for completeness but never read: the client's
   * `clientId`, `capability`, `ttl` and `timestamp` parameters must not influence the token.
   */
  query?: unknown;
  body?: unknown;
  /**
   * The request headers. Core reads `Origin`, `Sec-Fetch-Site` and, on a CORS preflight,
   * `Access-Control-Request-Method` / `-Headers`; without them every request counts as same-site.
   */
  headers?: RequestHeaders;
  /** The framework's own request, passed to the resolver and the policy. */
  native: Req;
}

/** What the adapter writes back. */
export interface TokenRouteResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The token route: `handle` answers a request; `issueForUser` signs for a user you already hold. */
export interface TokenRoute<User = unknown, Req = unknown> {
  /** Answers a token request; never throws, never rejects. */
  handle(request: TokenRouteRequest<Req>): Promise<TokenRouteResponse>;
  /** Runs the policy for a user and signs; resolves to null when the policy grants nothing. */
  issueForUser(user: User, req: Req): Promise<IssuedToken | null>;
  /** The token issuer (for tokens outside the route). */
  readonly issuer: TokenIssuer;
  /** The validated options, secrets excluded. */
  readonly options: Readonly<ResolvedTokenRouteOptions>;
}

/** The validated, secret-free form of the route's options. */
export interface ResolvedTokenRouteOptions {
  responseFormat: TokenResponseFormat;
  timeoutMs: number;
  ttlSeconds: number;
  clockSkewSeconds: number;
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
 * Adapters and apps use it for their own refusals too (rate limits, body limits).
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

const CROSS_SITE = ablyErrorResponse(
  403,
  40300,
  "Cross-site token request refused: this token route serves only its own site. To let a web app on another origin fetch tokens, add that origin to the route's allowedOrigins option.",
);
const METHOD_NOT_ALLOWED = ablyErrorResponse(405, 40500, 'Method not allowed: the Ably token route answers GET and POST.', { Allow: 'GET, POST' });
const UNAUTHORIZED = ablyErrorResponse(401, 40100, 'Not signed in: sign in, then the Ably client will fetch a token again.');
const FORBIDDEN = ablyErrorResponse(403, 40300, 'This user is not allowed to use chat.');
const INTERNAL = ablyErrorResponse(500, 50000, 'The token server failed to issue a token; it has logged the cause.');
const TIMEOUT = ablyErrorResponse(503, 50003, 'The token server timed out; try again shortly.', { 'Retry-After': '5' });
const UNAVAILABLE = ablyErrorResponse(503, 50300, 'The token server cannot sign tokens right now; try again shortly.', { 'Retry-After': '5' });

/** The generic 500 answer: what a fault looks like to the client, with no detail of the cause. */
export function internalErrorResponse(): TokenRouteResponse {
  return copy(INTERNAL);
}

function copy(response: TokenRouteResponse): TokenRouteResponse {
  return { status: response.status, headers: { ...response.headers }, body: response.body };
}

/** Default clientId mapping: `user.clientId ?? user.id`. */
export function defaultClientId(user: unknown): string {
  if (typeof user === 'string') return user;
  if (typeof user === 'object' && user !== null) {
    const record = user as { clientId?: unknown; id?: unknown };
    const value = record.clientId ?? record.id;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    if (typeof value === 'string') return value;
    throw new AblyChatAuthError(
      'ERR_INVALID_CLIENT_ID',
      `The user has no usable clientId or id (got ${describeValue(value)}); pass a clientId option that maps your user to a stable string id.`,
    );
  }
  throw new AblyChatAuthError('ERR_INVALID_CLIENT_ID', `The resolved user is ${describeValue(user)}; pass a clientId option that maps it to a string id.`);
}

class Deadline extends AblyChatAuthError {}

/** Awaits a value that may be a promise, failing once the deadline passes; sync values skip the timer. */
function within<T>(value: T | Promise<T>, deadlineAt: number, phase: TokenRoutePhase): T | Promise<T> {
  if (!(value instanceof Promise) && !(typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function')) return value;
  const remaining = deadlineAt - Date.now();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Deadline('ERR_TIMEOUT', `${phase} did not finish before the route's timeout.`, { details: { phase } })), Math.max(0, remaining));
    Promise.resolve(value).then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * Creates the framework-free token route. Every option is checked here, so a bad key, TTL or
 * static policy fails at startup with a message saying how to fix it.
 *
 * @example
 * const route = createTokenRoute({
 *   apiKey: process.env.ABLY_API_KEY!,
 *   resolveUser: (req: MyRequest) => req.session.user,
 *   policy: (user) => ({ lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 * });
 * const { status, headers, body } = await route.handle({ method: 'GET', native: req });
 */
export function createTokenRoute<User = unknown, Req = unknown>(options: TokenRouteOptions<User, Req>): TokenRoute<User, Req> {
  if (typeof options !== 'object' || options === null) {
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', 'createTokenRoute needs an options object with apiKey, resolveUser and policy.');
  }
  const issuer = createTokenIssuer(options);
  if (typeof options.resolveUser !== 'function') {
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', `resolveUser must be a function (req) => user | null; got ${describeValue(options.resolveUser)}.`);
  }
  const resolveUser = options.resolveUser;
  const policy = options.policy;
  let staticGrants: CompiledCapability | null | undefined;
  if (typeof policy === 'function') {
    staticGrants = undefined;
  } else if (typeof policy === 'object' && policy !== null) {
    staticGrants = compileGrants(policy, { allowPrivilegedOperations: issuer.options.allowPrivilegedOperations });
    if (!staticGrants) throw new AblyChatAuthError('ERR_INVALID_GRANTS', 'The static policy grants nothing: every user would get 403. Give at least one room a feature.');
  } else {
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', `policy must be a grants object or a function (user, req) => grants; got ${describeValue(policy)}.`);
  }
  for (const name of ['clientId', 'revocationKey', 'claims'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new AblyChatAuthError('ERR_INVALID_OPTIONS', `${name} must be a function of the user; got ${describeValue(options[name])}.`);
    }
  }
  const toClientId = options.clientId ?? (defaultClientId as (user: User) => string);
  const responseFormat = options.responseFormat ?? 'jwt';
  if (responseFormat !== 'jwt' && responseFormat !== 'token-details' && responseFormat !== 'token-request') {
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', `responseFormat must be 'jwt', 'token-details' or 'token-request'; got ${describeValue(responseFormat)}.`);
  }
  if (responseFormat === 'token-request' && (options.revocationKey || options.claims)) {
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', "revocationKey and claims exist only in JWTs; drop them or use responseFormat 'jwt'.");
  }
  const timeoutMs = parseDurationSeconds(options.timeout ?? 10, { name: 'timeout', code: 'ERR_INVALID_OPTIONS', min: 1, max: 120 }) * 1000;
  const hooks = options.hooks ?? {};
  const logger: Logger = options.logger === false ? silentLogger : (options.logger ?? consoleLogger);
  const originCheck = resolveAllowedOrigins(options.allowedOrigins);

  function safeHook<K extends keyof TokenRouteHooks<User, Req>>(name: K, event: Parameters<NonNullable<TokenRouteHooks<User, Req>[K]>>[0]): void {
    const hook = hooks[name] as ((e: typeof event) => unknown) | undefined;
    if (!hook) return;
    try {
      const result = hook(event);
      if (result instanceof Promise) result.catch((error: unknown) => safeLog('warn', `The ${name} hook failed; the answer was not affected.`, { error: errorSummary(error) }));
    } catch (error) {
      safeLog('warn', `The ${name} hook failed; the answer was not affected.`, { error: errorSummary(error) });
    }
  }

  function safeLog(level: 'error' | 'warn', message: string, meta: Record<string, unknown>): void {
    try {
      logger[level](message, meta);
    } catch {
      // A broken logger must not break the token route.
    }
  }

  function fail(error: unknown, phase: TokenRoutePhase, request: Req): TokenRouteResponse {
    const timedOut = error instanceof Deadline;
    const unavailable = timedOut || (phase === 'apiKey' && isAblyChatAuthError(error));
    const status = unavailable ? 503 : 500;
    safeLog('error', timedOut ? `Token route timed out in ${phase} after ${timeoutMs} ms.` : `Token route failed in ${phase}.`, { phase, status, error: errorSummary(error) });
    safeHook('onError', { status, error, phase, request });
    return copy(timedOut ? TIMEOUT : unavailable ? UNAVAILABLE : INTERNAL);
  }

  async function grantsFor(user: User, req: Req, deadlineAt: number): Promise<CompiledCapability | null> {
    if (staticGrants !== undefined) return staticGrants;
    const result = await within((policy as (u: User, r: Req) => PolicyResult | Promise<PolicyResult>)(user, req), deadlineAt, 'policy');
    return compileGrants(result, { allowPrivilegedOperations: issuer.options.allowPrivilegedOperations });
  }

  function signFor(key: AblyApiKey, user: User, req: Req, clientId: string, compiled: CompiledCapability): IssuedToken {
    return issuer.signWith(key, {
      clientId,
      grants: compiled,
      revocationKey: options.revocationKey?.(user, req) ?? undefined,
      claims: options.claims?.(user, req) ?? undefined,
    });
  }

  function success(issued: IssuedToken): TokenRouteResponse {
    if (responseFormat === 'jwt') {
      return { status: 200, headers: { ...NO_STORE_HEADERS, 'Content-Type': 'application/jwt' }, body: issued.token };
    }
    return {
      status: 200,
      headers: { ...NO_STORE_HEADERS, 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ token: issued.token, issued: issued.issuedAt, expires: issued.expiresAt, capability: issued.capabilityJson, clientId: issued.clientId }),
    };
  }

  /** Adds the CORS headers of an allowed origin to an answer. */
  function withCors(response: TokenRouteResponse, origin: string | undefined): TokenRouteResponse {
    if (!originCheck) return response;
    if (origin === undefined) {
      response.headers.Vary = 'Origin';
      return response;
    }
    Object.assign(response.headers, { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' });
    return response;
  }

  /** The CORS preflight of an allowed origin: 204 with the methods and the headers it asked for. */
  function preflight(headers: TokenRouteRequest['headers'], origin: string): TokenRouteResponse {
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

  async function handle(request: TokenRouteRequest<Req>): Promise<TokenRouteResponse> {
    const native = request.native;
    const method = typeof request.method === 'string' ? request.method.toUpperCase() : '';
    let allowedOrigin: string | undefined;
    if (originCheck) {
      const origin = readHeader(request.headers, 'origin');
      try {
        if (origin !== undefined && origin !== 'null' && originCheck(origin) === true) allowedOrigin = origin;
      } catch (error) {
        return withCors(fail(error, 'origin', native), undefined);
      }
      if (allowedOrigin !== undefined && method === 'OPTIONS' && readHeader(request.headers, 'access-control-request-method') !== undefined) {
        return preflight(request.headers, allowedOrigin);
      }
    }
    if (method !== 'GET' && method !== 'POST') {
      safeHook('onDenied', { status: 405, reason: 'method-not-allowed', request: native });
      return withCors(copy(METHOD_NOT_ALLOWED), allowedOrigin);
    }
    if (allowedOrigin === undefined && readHeader(request.headers, 'sec-fetch-site')?.toLowerCase() === 'cross-site') {
      safeHook('onDenied', { status: 403, reason: 'cross-site', request: native });
      return withCors(copy(CROSS_SITE), undefined);
    }
    return withCors(await answer(native), allowedOrigin);
  }

  async function answer(native: Req): Promise<TokenRouteResponse> {
    const deadlineAt = Date.now() + timeoutMs;
    let phase: TokenRoutePhase = 'resolveUser';
    try {
      const user = await within(resolveUser(native), deadlineAt, 'resolveUser');
      if (user === null || user === undefined || user === false || user === '') {
        safeHook('onDenied', { status: 401, reason: 'unauthenticated', request: native });
        return copy(UNAUTHORIZED);
      }
      phase = 'clientId';
      const clientId = toClientId(user as User);
      phase = 'policy';
      const compiled = await grantsFor(user as User, native, deadlineAt);
      if (!compiled) {
        safeHook('onDenied', { status: 403, reason: 'forbidden', clientId, request: native });
        return copy(FORBIDDEN);
      }
      phase = 'apiKey';
      const key = await within(issuer.resolveKey(), deadlineAt, 'apiKey');
      phase = 'issue';
      if (responseFormat === 'token-request') {
        const request = issuer.tokenRequestWith(key, { clientId, grants: compiled });
        safeHook('onTokenIssued', {
          clientId,
          rooms: compiled.rooms,
          issuedAt: request.timestamp,
          expiresAt: request.timestamp + request.ttl,
          keyName: key.keyName,
          user: user as User,
          request: native,
        });
        return { status: 200, headers: { ...NO_STORE_HEADERS, 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(request) };
      }
      const issued = signFor(key, user as User, native, clientId, compiled);
      if (hooks.onTokenIssued) safeHook('onTokenIssued', {
        clientId: issued.clientId,
        rooms: issued.rooms,
        issuedAt: issued.issuedAt,
        expiresAt: issued.expiresAt,
        keyName: issued.keyName,
        user: user as User,
        request: native,
      });
      return success(issued);
    } catch (error) {
      return fail(error, phase, native);
    }
  }

  const route: TokenRoute<User, Req> = {
    handle,
    async issueForUser(user, req) {
      const deadlineAt = Date.now() + timeoutMs;
      const compiled = await grantsFor(user, req, deadlineAt);
      if (!compiled) return null;
      const clientId = toClientId(user);
      return signFor(await within(issuer.resolveKey(), deadlineAt, 'apiKey'), user, req, clientId, compiled);
    },
    issuer,
    options: Object.freeze({ responseFormat, timeoutMs, ttlSeconds: issuer.options.ttlSeconds, clockSkewSeconds: issuer.options.clockSkewSeconds }),
  };
  Object.defineProperty(route, inspect.custom, { value: () => `TokenRoute { keyName: ${issuer.keyName ? `'${issuer.keyName}'` : '[provider]'}, format: ${responseFormat} }` });
  return route;
}

/** A log-safe summary of an error: name, code and message, never the raw object (which could hold a secret). */
function errorSummary(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { name: error.name, ...(isAblyChatAuthError(error) ? { code: error.code } : {}), message: error.message };
  }
  return { value: describeValue(error) };
}
