import type { AblyApiKey } from './api-key.js';
import type { CompiledCapability } from './capability.js';
import { preflightResponse, withCorsHeaders } from './cors.js';
import { within } from './deadline.js';
import { describeValue, invalidOptions, isAblyChatAuthError } from './errors.js';
import { issuerOf, type IssuedToken, type TokenIssuer } from './issuer.js';
import type { ChatPolicy, PolicyFunction } from './policy.js';
import { readHeader, type RequestHeaders } from './read-header.js';
import { tokenRequestResponse, tokenResponse, type TokenRouteResponse } from './responses.js';
import { INSPECT_CUSTOM } from './runtime.js';
import type { DecisionRecording } from './telemetry.js';
import { fault, refusal, type TokenRouteDecision, type TokenRoutePhase } from './token-route-decision.js';
import {
  resolvePolicy,
  resolveTokenRouteOptions,
  type ResolvedTokenRouteOptions,
  type RouteSettings,
  type TokenRouteHooks,
  type TokenRouteOptions,
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

/** CORS headers are not added (a fault before the request's origin was read). */
const NO_CORS = null;

/** A value or its promise, then `next`: synchronous all the way when every step is (Node's signing, a sync resolver and policy). */
function then<T, R>(value: T | Promise<T>, next: (value: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
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
    throw invalidOptions(`createTokenRoute needs an options object with apiKey, resolveUser and policy; got ${describeValue(options)}.`);
  }
  return routeOf(resolveTokenRouteOptions(options, 'createTokenRoute'));
}

/** The token route of options already resolved (adapters resolve theirs with their own option names). @internal */
export function routeOf<User, Req>(settings: RouteSettings<User, Req>): TokenRoute<User, Req> {
  const { issuer, signNow, tokenRequestNow } = issuerOf(settings.keys, settings.issuerOptions);
  const { compile, resolveUser, toClientId, responseFormat, timeoutMs, hooks, logger, originCheck, telemetry } = settings;
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

  /**
   * Everything that follows a decision reads the one record: the log line and the hooks, the
   * telemetry, and the response with its CORS headers (`allowedOrigin` undefined: none allowed;
   * NO_CORS: none added).
   */
  function conclude(
    decision: TokenRouteDecision,
    user: unknown,
    request: Req,
    allowedOrigin: string | undefined | typeof NO_CORS,
    recording: DecisionRecording | undefined,
  ): TokenRouteResponse {
    switch (decision.outcome) {
      case 'issued':
        if (hooks.onTokenIssued) {
          const { clientId, rooms, issued } = decision;
          const event = { clientId, rooms, issuedAt: issued.issuedAt, expiresAt: issued.expiresAt, keyName: issued.keyName, user: user as User, request };
          safeHook('onTokenIssued', event);
        }
        break;
      case 'preflight':
        break;
      case 'timeout':
      case 'error': {
        const { status, phase, error } = decision;
        const message = decision.outcome === 'timeout' ? `Token route timed out in ${phase} after ${timeoutMs} ms.` : `Token route failed in ${phase}.`;
        safeLog('error', message, { phase, status, error: errorSummary(error) });
        safeHook('onError', { status, error, phase, request });
        break;
      }
      default: {
        const { status, reason, clientId } = decision;
        safeHook('onDenied', clientId === undefined ? { status, reason, request } : { status, reason, clientId, request });
      }
    }
    recording?.end(decision);
    if (!originCheck || allowedOrigin === NO_CORS || decision.outcome === 'preflight') return decision.response;
    return withCorsHeaders(decision.response, allowedOrigin);
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
    return then(within(policy(user, req), deadlineAt, 'policy'), compile);
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

  /**
   * The decision for a user already resolved (or nothing): 401, 403, a fault or the token.
   * Synchronous when every step is; a step that throws or rejects becomes the fault of its phase.
   */
  function decide(
    user: MaybeUser<User>,
    native: Req,
    policy: CompiledCapability | PolicyFunction<User, Req>,
    userClaimsSource: UserClaims | UserClaimsFunction<User, Req> | undefined,
    deadlineAt: number,
  ): TokenRouteDecision | Promise<TokenRouteDecision> {
    let phase: TokenRoutePhase = 'clientId';
    const failed = (error: unknown): TokenRouteDecision => fault(error, phase);
    /** `then`, with the failure of any later step as the fault of the phase it happened in. */
    const step = <T>(value: T | Promise<T>, next: (value: T) => TokenRouteDecision | Promise<TokenRouteDecision>) => {
      if (!(value instanceof Promise)) return next(value);
      return value.then((resolved) => {
        try {
          return next(resolved);
        } catch (error) {
          return failed(error);
        }
      }, failed);
    };
    try {
      if (user === null || user === undefined || user === false || user === '') return refusal('unauthenticated');
      const clientId = toClientId(user);
      phase = 'policy';
      return step(grantsFor(policy, user, native, deadlineAt), (grants) => {
        if (!grants) return refusal('forbidden', clientId);
        phase = 'apiKey';
        return step(within(issuer.resolveKey(), deadlineAt, 'apiKey'), (key) => {
          phase = 'issue';
          if (responseFormat === 'token-request') {
            // The route's own userClaims were refused at startup; these came with the call.
            if (userClaimsSource !== undefined) {
              throw invalidOptions("userClaims exist only in JWTs; this route answers with responseFormat 'token-request'.");
            }
            return step(tokenRequestNow(key, { clientId, grants }), (tokenRequest): TokenRouteDecision => {
              const issued = { issuedAt: tokenRequest.timestamp, expiresAt: tokenRequest.timestamp + tokenRequest.ttl, keyName: key.keyName };
              return { outcome: 'issued', status: 200, response: tokenRequestResponse(tokenRequest), clientId, rooms: grants.rooms, issued };
            });
          }
          return step(userClaimsFor(userClaimsSource, user, native, deadlineAt), (userClaims) =>
            step(sign(key, user, native, clientId, grants, userClaims), (issued): TokenRouteDecision => {
              return { outcome: 'issued', status: 200, response: tokenResponse(issued, responseFormat), clientId, rooms: grants.rooms, issued };
            }),
          );
        });
      });
    } catch (error) {
      return failed(error);
    }
  }

  /** A decision, concluded: one promise, already settled when every step was synchronous. */
  function settle(
    decision: TokenRouteDecision | Promise<TokenRouteDecision>,
    user: unknown,
    native: Req,
    allowedOrigin: string | undefined,
    recording: DecisionRecording | undefined,
  ): Promise<TokenRouteResponse> {
    if (decision instanceof Promise) return decision.then((decided) => conclude(decided, user, native, allowedOrigin, recording));
    return Promise.resolve(conclude(decision, user, native, allowedOrigin, recording));
  }

  /**
   * The one path every request takes: the origin and method rules, then the user's resolution
   * (`user` is NOT_CHECKED for `handle`), the decision and its conclusion. Not an async function: with a
   * synchronous resolver the response is `settle`'s own promise, without a second promise and
   * microtask per request around it.
   */
  function serve(
    request: TokenRouteRequest<Req>,
    user: MaybeUser<User> | typeof NOT_CHECKED,
    policy: CompiledCapability | PolicyFunction<User, Req>,
    userClaimsSource: UserClaims | UserClaimsFunction<User, Req> | undefined,
    recording: DecisionRecording | undefined,
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
          return Promise.resolve(conclude(fault(error, 'origin'), undefined, native, undefined, recording));
        }
        if (allowedOrigin !== undefined && method === 'OPTIONS' && readHeader(request.headers, 'access-control-request-method') !== undefined) {
          const preflight: TokenRouteDecision = { outcome: 'preflight', status: 204, response: preflightResponse(request.headers, allowedOrigin) };
          return Promise.resolve(conclude(preflight, undefined, native, allowedOrigin, recording));
        }
      }
      if (user === NOT_CHECKED ? method !== 'GET' && method !== 'POST' : method === 'OPTIONS') {
        return Promise.resolve(conclude(refusal('method_not_allowed'), undefined, native, allowedOrigin, recording));
      }
      if (allowedOrigin === undefined && readHeader(request.headers, 'sec-fetch-site')?.toLowerCase() === 'cross-site') {
        return Promise.resolve(conclude(refusal('cross_site'), undefined, native, undefined, recording));
      }
      const deadlineAt = Date.now() + timeoutMs;
      if (user !== NOT_CHECKED) return settle(decide(user, native, policy, userClaimsSource, deadlineAt), user, native, allowedOrigin, recording);
      const resolveFailed = (error: unknown) => conclude(fault(error, 'resolveUser'), undefined, native, allowedOrigin, recording);
      let pending: MaybeUser<User> | Promise<MaybeUser<User>>;
      try {
        pending = within(resolveUser(native), deadlineAt, 'resolveUser');
      } catch (error) {
        return Promise.resolve(resolveFailed(error));
      }
      if (!(pending instanceof Promise))
        return settle(decide(pending, native, policy, userClaimsSource, deadlineAt), pending, native, allowedOrigin, recording);
      return pending.then(
        (resolved) => settle(decide(resolved, native, policy, userClaimsSource, deadlineAt), resolved, native, allowedOrigin, recording),
        resolveFailed,
      );
    } catch (error) {
      // As from an async function: a fault outside the steps above rejects, it does not throw.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes the fault through unchanged, as an async function would
      return Promise.reject(error);
    }
  }

  /** `serve`, recorded by the telemetry when an SDK records (a span around it, and the decision's metrics). */
  function served(
    request: TokenRouteRequest<Req>,
    user: MaybeUser<User> | typeof NOT_CHECKED,
    policy: CompiledCapability | PolicyFunction<User, Req>,
    userClaimsSource: UserClaims | UserClaimsFunction<User, Req> | undefined,
  ): Promise<TokenRouteResponse> {
    // A missing request rejects from `serve`, as every other fault outside its steps does.
    const recording = telemetry.start((request as TokenRouteRequest<Req> | undefined)?.method);
    if (!recording) return serve(request, user, policy, userClaimsSource, undefined);
    return recording
      .run(() => serve(request, user, policy, userClaimsSource, recording))
      .catch((error: unknown) => {
        recording.endThrown(error);
        throw error;
      });
  }

  const route: TokenRoute<User, Req> = {
    handle: (request) => served(request, NOT_CHECKED, settings.policy, settings.userClaims),
    respond: (user, request, callOptions) => {
      let policy: CompiledCapability | PolicyFunction<User, Req>;
      try {
        policy = policyOf(callOptions?.policy);
      } catch (error) {
        return Promise.resolve(conclude(fault(error, 'policy'), user, request.native, NO_CORS, undefined));
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
