import type { AblyApiKey } from './api-key.js';
import { compileGrants, type CompiledCapability } from './capability.js';
import { readHeader, requestedHeaders, type RequestHeaders } from './cross-site.js';
import { DeadlineError, within } from './deadline.js';
import { AblyChatAuthError, describeValue, isAblyChatAuthError } from './errors.js';
import { createIssuerInternals, TOKEN_ISSUER_OPTION_NAMES, type IssuedToken, type TokenIssuer, type TokenIssuerOptions } from './issuer.js';
import { INSPECT_CUSTOM } from './runtime.js';
import type { ChatPolicy, PolicyFunction } from './policy.js';
import { answerOf, NO_STORE_HEADERS, tokenRequestResponse, tokenResponse, type TokenRouteResponse } from './responses.js';
import {
  resolvePolicy,
  resolveTokenRouteOptions,
  type ResolvedTokenRouteOptions,
  type RouteSettings,
  type TokenRouteHooks,
  type TokenRouteOptions,
  type TokenRoutePhase,
  type UserClaimsFunction,
} from './token-route-options.js';
import type { UserClaims } from './user-claims.js';

/** The framework-free description of a token request that adapters build. */
export interface TokenRouteRequest<Req = unknown> {
  /** HTTP method. */
  method: string;
  /**
   * The request headers (Node's lower-case record or a Fetch `Headers`). Core reads `Origin`,
   * `Sec-Fetch-Site` and, on a CORS preflight, `Access-Control-Request-Method` / `-Headers`;
   * without them every request counts as same-site. The query string and the body are never
   * read: the client's `clientId`, `capability`, `ttl` and `timestamp` must not influence the token.
   */
  headers?: RequestHeaders;
  /** The framework's own request, passed to the resolver, the policy and the hooks. */
  native: Req;
}

/** Per-call settings of {@link TokenRoute.respond} and {@link TokenRoute.issueForUser}. */
export interface TokenRouteCallOptions<User = unknown, Req = unknown> {
  /** Replaces the route's policy for this call (e.g. NestJS's `@ChatGrants`). */
  policy?: ChatPolicy<User, Req>;
  /**
   * Replaces the route's `userClaims` for this call: claims (room pattern -> value) or a function
   * of the user. Invalid claims are a 500 with a log line, as from the route's option.
   */
  userClaims?: UserClaims | UserClaimsFunction<User, Req>;
}

/** A user as a resolver finds it: the user, or nothing (null, undefined, false, ''): not signed in. */
export type MaybeUser<User> = User | null | undefined | false | '';

/** The token route: answers requests, for a user it resolves or one the app already holds. */
export interface TokenRoute<User = unknown, Req = unknown> {
  /** Resolves the user with `resolveUser`, then answers as {@link TokenRoute.respond}. Never rejects. */
  handle(request: TokenRouteRequest<Req>): Promise<TokenRouteResponse>;
  /**
   * Answers for a user the app already resolved (nothing: 401), with the route's policy or
   * `options.policy`: cross-site rules, 403, faults (500/503) and the token exactly as `handle`.
   * Any HTTP method is served except that OPTIONS is a CORS preflight; the app's routing chose
   * the method. Never rejects.
   */
  respond(user: MaybeUser<User>, request: TokenRouteRequest<Req>, options?: TokenRouteCallOptions<User, Req>): Promise<TokenRouteResponse>;
  /**
   * Runs the policy for a user and signs, outside any HTTP answer; resolves to null when the
   * policy grants nothing. Rejects on a bad clientId, a failing key provider or a throwing policy.
   */
  issueForUser(user: User, req: Req, options?: TokenRouteCallOptions<User, Req>): Promise<IssuedToken | null>;
  /** The token issuer (for tokens outside the route). */
  readonly issuer: TokenIssuer;
  /** The validated options, secrets excluded. */
  readonly options: Readonly<ResolvedTokenRouteOptions>;
}

const NOT_CHECKED = Symbol('method not checked');

function pick(options: object, names: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names) if (Object.prototype.hasOwnProperty.call(options, name)) picked[name] = (options as Record<string, unknown>)[name];
  return picked;
}

/**
 * Creates the framework-free token route. Every option is checked here, so a bad key, TTL,
 * static policy or a misspelt option fails at startup with a message saying how to fix it.
 *
 * @example
 * const route = createTokenRoute({
 *   apiKey: process.env.ABLY_API_KEY!,
 *   resolveUser: (req: MyRequest) => req.session.user,
 *   policy: (user) => ({ lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 * });
 * const { status, headers, body } = await route.handle({ method: req.method, headers: req.headers, native: req });
 */
export function createTokenRoute<User = unknown, Req = unknown>(options: TokenRouteOptions<User, Req>): TokenRoute<User, Req> {
  if (typeof options !== 'object' || options === null) {
    throw new AblyChatAuthError(
      'ERR_INVALID_OPTIONS',
      `createTokenRoute needs an options object with apiKey, resolveUser and policy; got ${describeValue(options)}.`,
    );
  }
  const { issuer, signNow, tokenRequestNow } = createIssuerInternals(pick(options, TOKEN_ISSUER_OPTION_NAMES) as unknown as TokenIssuerOptions);
  const compile = (grants: unknown): CompiledCapability | null =>
    compileGrants(grants, { allowPrivilegedOperations: issuer.options.allowPrivilegedOperations });
  const settings: RouteSettings<User, Req> = resolveTokenRouteOptions(options, 'createTokenRoute', compile);
  const { resolveUser, toClientId, responseFormat, timeoutMs, hooks, logger, originCheck } = settings;
  // Per-call policies (respond's options.policy) that are grants objects are compiled once each.
  const callPolicies = new WeakMap<object, CompiledCapability | PolicyFunction<User, Req>>();

  function safeLog(level: 'error' | 'warn', message: string, meta: Record<string, unknown>): void {
    try {
      logger[level](message, meta);
    } catch {
      // A broken logger must not break the token route.
    }
  }

  function safeHook<K extends keyof TokenRouteHooks<User, Req>>(name: K, event: Parameters<NonNullable<TokenRouteHooks<User, Req>[K]>>[0]): void {
    const hook = hooks[name] as ((e: typeof event) => unknown) | undefined;
    if (!hook) return;
    const failed = (error: unknown) => safeLog('warn', `The ${name} hook failed; the answer was not affected.`, { error: errorSummary(error) });
    try {
      const result = hook(event);
      if (result instanceof Promise) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  function fail(error: unknown, phase: TokenRoutePhase, request: Req): TokenRouteResponse {
    const timedOut = error instanceof DeadlineError;
    const unavailable = timedOut || (phase === 'apiKey' && isAblyChatAuthError(error));
    const status = unavailable ? 503 : 500;
    safeLog('error', timedOut ? `Token route timed out in ${phase} after ${timeoutMs} ms.` : `Token route failed in ${phase}.`, {
      phase,
      status,
      error: errorSummary(error),
    });
    safeHook('onError', { status, error, phase, request });
    return settings.telemetry.noteFault(answerOf(timedOut ? 'timeout' : unavailable ? 'unavailable' : 'internal'), phase, error);
  }

  function policyOf(override: ChatPolicy<User, Req> | undefined): CompiledCapability | PolicyFunction<User, Req> {
    if (override === undefined) return settings.policy;
    if (typeof override === 'function') return override;
    let resolved = callPolicies.get(override);
    if (!resolved) {
      resolved = resolvePolicy<User, Req>(override, 'The per-call policy', compile);
      callPolicies.set(override, resolved);
    }
    return resolved;
  }

  function grantsFor(
    policy: CompiledCapability | PolicyFunction<User, Req>,
    user: User,
    req: Req,
    deadlineAt: number,
  ): CompiledCapability | null | Promise<CompiledCapability | null> {
    if (typeof policy !== 'function') return policy;
    const result = within(policy(user, req), deadlineAt, 'policy');
    return result instanceof Promise ? result.then(compile) : compile(result);
  }

  /** The user claims of this call (the per-call ones, else the route's), awaited within the deadline. */
  function userClaimsFor(
    source: UserClaims | UserClaimsFunction<User, Req> | undefined,
    user: User,
    req: Req,
    deadlineAt: number,
  ): UserClaims | undefined | null | Promise<UserClaims | undefined | null> {
    if (typeof source !== 'function') return source;
    return within(source(user, req), deadlineAt, 'userClaims');
  }

  function sign(
    key: AblyApiKey,
    user: User,
    req: Req,
    clientId: string,
    grants: CompiledCapability,
    userClaims: UserClaims | undefined | null,
  ): IssuedToken | Promise<IssuedToken> {
    return signNow(key, {
      clientId,
      grants,
      revocationKey: settings.revocationKey?.(user, req) ?? undefined,
      claims: settings.claims?.(user, req) ?? undefined,
      userClaims: userClaims ?? undefined,
    });
  }

  function issuedEvent(issued: { clientId: string; rooms: readonly string[]; issuedAt: number; expiresAt: number; keyName: string }, user: User, request: Req) {
    return { clientId: issued.clientId, rooms: issued.rooms, issuedAt: issued.issuedAt, expiresAt: issued.expiresAt, keyName: issued.keyName, user, request };
  }

  /** 401, 403, a fault or the token, for a user already resolved (or nothing). */
  async function answerFor(
    user: MaybeUser<User>,
    native: Req,
    policy: CompiledCapability | PolicyFunction<User, Req>,
    userClaimsSource: UserClaims | UserClaimsFunction<User, Req> | undefined,
    deadlineAt: number,
  ): Promise<TokenRouteResponse> {
    let phase: TokenRoutePhase = 'clientId';
    try {
      if (user === null || user === undefined || user === false || user === '') {
        safeHook('onDenied', { status: 401, reason: 'unauthenticated', request: native });
        return answerOf('unauthorized');
      }
      const clientId = toClientId(user);
      phase = 'policy';
      const pending = grantsFor(policy, user, native, deadlineAt);
      const grants = pending instanceof Promise ? await pending : pending;
      if (!grants) {
        safeHook('onDenied', { status: 403, reason: 'forbidden', clientId, request: native });
        return settings.telemetry.noteUser(answerOf('forbidden'), clientId);
      }
      phase = 'apiKey';
      const resolving = within(issuer.resolveKey(), deadlineAt, 'apiKey');
      const key = resolving instanceof Promise ? await resolving : resolving;
      phase = 'issue';
      if (responseFormat === 'token-request') {
        // The route's own userClaims were refused at startup; these came with the call.
        if (userClaimsSource !== undefined) {
          throw new AblyChatAuthError('ERR_INVALID_OPTIONS', "userClaims exist only in JWTs; this route answers with responseFormat 'token-request'.");
        }
        const requesting = tokenRequestNow(key, { clientId, grants });
        const tokenRequest = requesting instanceof Promise ? await requesting : requesting;
        if (hooks.onTokenIssued) {
          const timing = { issuedAt: tokenRequest.timestamp, expiresAt: tokenRequest.timestamp + tokenRequest.ttl };
          safeHook('onTokenIssued', issuedEvent({ clientId, rooms: grants.rooms, keyName: key.keyName, ...timing }, user, native));
        }
        return settings.telemetry.noteUser(tokenRequestResponse(tokenRequest), clientId, grants.rooms.length);
      }
      const claiming = userClaimsFor(userClaimsSource, user, native, deadlineAt);
      const userClaims = claiming instanceof Promise ? await claiming : claiming;
      const signing = sign(key, user, native, clientId, grants, userClaims);
      const issued = signing instanceof Promise ? await signing : signing;
      if (hooks.onTokenIssued) safeHook('onTokenIssued', issuedEvent(issued, user, native));
      return settings.telemetry.noteUser(tokenResponse(issued, responseFormat), clientId, grants.rooms.length);
    } catch (error) {
      return fail(error, phase, native);
    }
  }

  /** Adds the CORS headers of an allowed origin (or just `Vary: Origin`) to an answer. */
  function withCors(response: TokenRouteResponse, origin: string | undefined): TokenRouteResponse {
    if (!originCheck) return response;
    if (origin === undefined) response.headers.Vary = 'Origin';
    else Object.assign(response.headers, { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' });
    return response;
  }

  /** The CORS preflight of an allowed origin: 204 with the methods and the headers it asked for. */
  function preflight(headers: RequestHeaders | undefined, origin: string): TokenRouteResponse {
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

  /** `answerFor`'s answer with the CORS headers: the same promise when no cross-site origin is allowed. */
  function withCorsAfter(answer: Promise<TokenRouteResponse>, origin: string | undefined): Promise<TokenRouteResponse> {
    return originCheck ? answer.then((response) => withCors(response, origin)) : answer;
  }

  /**
   * The one path every answer takes: the origin and method rules, then `answer` (the user's
   * resolution and the token). `user` is NOT_CHECKED for `handle`, which resolves it.
   * Not an async function: with a synchronous resolver the answer is `answerFor`'s own promise,
   * without a second promise and microtask per request around it.
   */
  function serve(
    request: TokenRouteRequest<Req>,
    user: MaybeUser<User> | typeof NOT_CHECKED,
    policy: CompiledCapability | PolicyFunction<User, Req>,
    userClaimsSource: UserClaims | UserClaimsFunction<User, Req> | undefined,
  ): Promise<TokenRouteResponse> {
    try {
      const native = request.native;
      const method = typeof request.method === 'string' ? request.method.toUpperCase() : '';
      let allowedOrigin: string | undefined;
      if (originCheck) {
        const origin = readHeader(request.headers, 'origin');
        try {
          if (origin !== undefined && origin !== 'null' && originCheck(origin) === true) allowedOrigin = origin;
        } catch (error) {
          return Promise.resolve(withCors(fail(error, 'origin', native), undefined));
        }
        if (allowedOrigin !== undefined && method === 'OPTIONS' && readHeader(request.headers, 'access-control-request-method') !== undefined) {
          return Promise.resolve(preflight(request.headers, allowedOrigin));
        }
      }
      if (user === NOT_CHECKED ? method !== 'GET' && method !== 'POST' : method === 'OPTIONS') {
        safeHook('onDenied', { status: 405, reason: 'method-not-allowed', request: native });
        return Promise.resolve(withCors(answerOf('methodNotAllowed'), allowedOrigin));
      }
      if (allowedOrigin === undefined && readHeader(request.headers, 'sec-fetch-site')?.toLowerCase() === 'cross-site') {
        safeHook('onDenied', { status: 403, reason: 'cross-site', request: native });
        return Promise.resolve(withCors(answerOf('crossSite'), undefined));
      }
      const deadlineAt = Date.now() + timeoutMs;
      if (user !== NOT_CHECKED) return withCorsAfter(answerFor(user, native, policy, userClaimsSource, deadlineAt), allowedOrigin);
      const resolveFailed = (error: unknown) => withCors(fail(error, 'resolveUser', native), allowedOrigin);
      let pending: MaybeUser<User> | Promise<MaybeUser<User>>;
      try {
        pending = within(resolveUser(native), deadlineAt, 'resolveUser');
      } catch (error) {
        return Promise.resolve(resolveFailed(error));
      }
      if (!(pending instanceof Promise)) return withCorsAfter(answerFor(pending, native, policy, userClaimsSource, deadlineAt), allowedOrigin);
      return pending.then((resolved) => withCorsAfter(answerFor(resolved, native, policy, userClaimsSource, deadlineAt), allowedOrigin), resolveFailed);
    } catch (error) {
      // As from an async function: a fault outside the steps above rejects, it does not throw.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes the fault through unchanged, as an async function would
      return Promise.reject(error);
    }
  }

  const served = settings.telemetry.wrap(serve);
  const route: TokenRoute<User, Req> = {
    handle: (request) => served(request, NOT_CHECKED, settings.policy, settings.userClaims),
    respond: (user, request, callOptions) => {
      let policy: CompiledCapability | PolicyFunction<User, Req>;
      try {
        policy = policyOf(callOptions?.policy);
      } catch (error) {
        return Promise.resolve(fail(error, 'policy', request.native));
      }
      return served(request, user, policy, callOptions?.userClaims ?? settings.userClaims);
    },
    async issueForUser(user, req, callOptions) {
      const deadlineAt = Date.now() + timeoutMs;
      const grants = await grantsFor(policyOf(callOptions?.policy), user, req, deadlineAt);
      if (!grants) return null;
      const clientId = toClientId(user);
      const key = await within(issuer.resolveKey(), deadlineAt, 'apiKey');
      const userClaims = await userClaimsFor(callOptions?.userClaims ?? settings.userClaims, user, req, deadlineAt);
      return sign(key, user, req, clientId, grants, userClaims);
    },
    issuer,
    options: Object.freeze({ responseFormat, timeoutMs, ttlSeconds: issuer.options.ttlSeconds, clockSkewSeconds: issuer.options.clockSkewSeconds }),
  };
  Object.defineProperty(route, INSPECT_CUSTOM, {
    value: () => `TokenRoute { keyName: ${issuer.keyName ? `'${issuer.keyName}'` : '[provider]'}, format: ${responseFormat} }`,
  });
  return route;
}

/** A log-safe summary of an error: name, code and message, never the raw object (which could hold a secret). */
function errorSummary(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { name: error.name, ...(isAblyChatAuthError(error) ? { code: error.code } : {}), message: error.message };
  }
  return { value: describeValue(error) };
}
