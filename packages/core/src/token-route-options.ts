import { ApiKeyResolver } from './api-key.js';
import { compileGrants, type CompiledCapability } from './capability.js';
import { defaultClientId } from './client-id.js';
import { resolveAllowedOrigins, type AllowedOrigins, type OriginCheck } from './cors.js';
import { assertKnownOptions } from './did-you-mean.js';
import { parseDurationSeconds, type Duration } from './duration.js';
import { AblyChatAuthError, describeValue, invalidOptions } from './errors.js';
import { resolveTokenIssuerOptions, TOKEN_ISSUER_OPTION_NAMES, type ResolvedTokenIssuerOptions, type TokenIssuerOptions } from './issuer-options.js';
import { resolveLogger, type Logger } from './logger.js';
import type { ChatPolicy, PolicyFunction } from './policy.js';
import type { TokenResponseFormat } from './responses.js';
import { createRouteTelemetry, type RouteTelemetry, type TokenRouteTelemetryOptions } from './telemetry.js';
import type { TokenRouteFaultStatus, TokenRoutePhase, TokenRouteRefusalReason, TokenRouteRefusalStatus } from './token-route-decision.js';
import type { UserClaims } from './user-claims.js';

/**
 * Chat user claims per user: room pattern -> a string or plain JSON object, signed as
 * `ably.room.<pattern>` (sync or async, within the route's `timeout`).
 */
export type UserClaimsFunction<User = unknown, Req = unknown> = (
  user: User,
  req: Req,
) => UserClaims | undefined | null | Promise<UserClaims | undefined | null>;

/** Finds the signed-in user for a request; nothing (null, undefined, false, '') means "not signed in" (401). */
export type UserResolver<User = unknown, Req = unknown> = (req: Req) => User | null | undefined | false | '' | Promise<User | null | undefined | false | ''>;

/** Events for audit and metrics. Hooks never receive the token or the key; a hook that throws is logged and ignored. */
export interface TokenRouteHooks<User = unknown, Req = unknown> {
  /** A token was issued. */
  onTokenIssued?(event: {
    clientId: string;
    rooms: readonly string[];
    issuedAt: number;
    expiresAt: number;
    keyName: string;
    user: User;
    request: Req;
  }): void | Promise<void>;
  /** The route refused: 401 (not signed in), 403 (no grants, or a cross-site request from an origin not allowed) or 405 (wrong method). */
  onDenied?(event: { status: TokenRouteRefusalStatus; reason: TokenRouteRefusalReason; clientId?: string; request: Req }): void | Promise<void>;
  /** The route failed: 500 (resolver, policy or configuration fault) or 503 (timeout, key provider). */
  onError?(event: { status: TokenRouteFaultStatus; error: unknown; phase: TokenRoutePhase; request: Req }): void | Promise<void>;
}

/** Options of `createTokenRoute`: the issuer's options plus who asks and what they get. */
export interface TokenRouteOptions<User = unknown, Req = unknown> extends TokenIssuerOptions {
  /** Finds the signed-in user from the framework's request. Adapters default it to `req.user`. */
  resolveUser: UserResolver<User, Req>;
  /** What the user gets. No grants: 403, and the Ably client stops retrying. */
  policy: ChatPolicy<User, Req>;
  /** Maps the user to the token's clientId. Default `user.clientId ?? user.id` (numbers become strings). */
  clientId?: (user: User) => string;
  /** Per-user `x-ably-revocation-key` (a team or session id), for bulk revocation. */
  revocationKey?: (user: User, req: Req) => string | undefined | null;
  /** Extra JWT claims per user (not `ably.room.*`: those are `userClaims`). */
  claims?: (user: User, req: Req) => Record<string, unknown> | undefined | null;
  /**
   * Chat user claims per user: room pattern -> display data that Ably Chat copies as `userClaim`
   * onto the user's messages, presence, typing and reactions in matching rooms (the most specific
   * pattern wins). Sync or async, within `timeout`; a function that throws or returns invalid
   * claims is a 500 with a log line. JWT-only: refused with `responseFormat: 'token-request'`.
   * @example
   * userClaims: (user) => ({ '*': { display_name: user.name }, [room`support:${user.team}:*`]: { role: 'agent' } })
   */
  userClaims?: UserClaimsFunction<User, Req>;
  /**
   * `'jwt'` (default): `Content-Type: application/jwt`, the body is the token (works with ably-js
   * `authUrl` and with `@ably-chat-auth/client`). `'token-details'`: JSON TokenDetails
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
  /**
   * OpenTelemetry spans and metrics of every answer (see docs "Telemetry"): on by default through
   * the global providers, which cost nothing until the app registers an SDK and do nothing when
   * `@opentelemetry/api` is not installed. `false` turns them off; an object passes specific
   * providers or opts in to the clientId on spans.
   */
  telemetry?: boolean | TokenRouteTelemetryOptions;
}

/** The option names `createTokenRoute` reads (the issuer's included). */
export const TOKEN_ROUTE_OPTION_NAMES: readonly string[] = [
  ...TOKEN_ISSUER_OPTION_NAMES,
  'resolveUser',
  'policy',
  'clientId',
  'revocationKey',
  'claims',
  'userClaims',
  'responseFormat',
  'timeout',
  'hooks',
  'logger',
  'allowedOrigins',
  'telemetry',
];

/** The validated, secret-free form of the route's options. */
export interface ResolvedTokenRouteOptions {
  responseFormat: TokenResponseFormat;
  timeoutMs: number;
  ttlSeconds: number;
  clockSkewSeconds: number;
}

/** Everything the route runs with, checked once at creation (internal: holds the app's functions and the key). */
export interface RouteSettings<User, Req> {
  keys: ApiKeyResolver;
  issuerOptions: ResolvedTokenIssuerOptions;
  /** Compiles grants under the issuer's rules (`allowPrivilegedOperations`). */
  compile: (grants: unknown) => CompiledCapability | null;
  resolveUser: UserResolver<User, Req>;
  /** The compiled static policy, or the policy function. */
  policy: CompiledCapability | PolicyFunction<User, Req>;
  toClientId: (user: User) => string;
  revocationKey: ((user: User, req: Req) => string | undefined | null) | undefined;
  claims: ((user: User, req: Req) => Record<string, unknown> | undefined | null) | undefined;
  userClaims: UserClaimsFunction<User, Req> | undefined;
  responseFormat: TokenResponseFormat;
  timeoutMs: number;
  hooks: TokenRouteHooks<User, Req>;
  logger: Logger;
  originCheck: OriginCheck | undefined;
  telemetry: RouteTelemetry;
}

/**
 * Checks a policy: a function is kept, a static grants object is compiled now (so a typo fails at
 * startup), anything else is refused. `label` names the policy in messages; `compile` applies the
 * route's rules (by default, core's without privileged operations).
 *
 * @example
 * // A framework decorator that takes a policy per route (the route applies its own privileged-operations rule per call):
 * resolvePolicy(grants, '@ChatGrants()', (g) => compileGrants(g, { allowPrivilegedOperations: true }));
 */
export function resolvePolicy<User, Req>(
  policy: unknown,
  label: string,
  compile: (grants: unknown) => CompiledCapability | null = compileGrants,
): CompiledCapability | PolicyFunction<User, Req> {
  if (typeof policy === 'function') return policy as PolicyFunction<User, Req>;
  if (typeof policy === 'object' && policy !== null && !Array.isArray(policy)) {
    const compiled = compile(policy);
    if (!compiled) throw new AblyChatAuthError('ERR_INVALID_GRANTS', `${label} grants nothing: every user would get 403. Give at least one room a feature.`);
    return compiled;
  }
  throw invalidOptions(`${label}: policy must be a grants object or a function (user, req) => grants; got ${describeValue(policy)}.`);
}

/**
 * Resolves every option of the route in one pass, the issuer's included: checks the names once
 * (with `adapterOptionNames`, which an adapter reads itself), drops `undefined`, applies defaults,
 * validates, and refuses unknown names with a "did you mean".
 */
export function resolveTokenRouteOptions<User, Req>(
  options: TokenRouteOptions<User, Req>,
  where: string,
  adapterOptionNames: readonly string[] = [],
  misplacedOptions: Readonly<Record<string, string>> = {},
): RouteSettings<User, Req> {
  assertKnownOptions(
    options,
    adapterOptionNames.length ? [...TOKEN_ROUTE_OPTION_NAMES, ...adapterOptionNames] : TOKEN_ROUTE_OPTION_NAMES,
    where,
    misplacedOptions,
  );
  const keys = new ApiKeyResolver(options.apiKey);
  const issuerOptions = resolveTokenIssuerOptions(options);
  const compile = (grants: unknown): CompiledCapability | null => compileGrants(grants, { allowPrivilegedOperations: issuerOptions.allowPrivilegedOperations });
  if (typeof options.resolveUser !== 'function')
    throw invalidOptions(`resolveUser must be a function (req) => user | null; got ${describeValue(options.resolveUser)}.`);
  const policy = resolvePolicy<User, Req>(options.policy, 'The static policy', compile);
  for (const name of ['clientId', 'revocationKey', 'claims', 'userClaims'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function')
      throw invalidOptions(`${name} must be a function of the user; got ${describeValue(options[name])}.`);
  }
  const responseFormat = options.responseFormat ?? 'jwt';
  if (responseFormat !== 'jwt' && responseFormat !== 'token-details' && responseFormat !== 'token-request') {
    throw invalidOptions(`responseFormat must be 'jwt', 'token-details' or 'token-request'; got ${describeValue(responseFormat)}.`);
  }
  if (responseFormat === 'token-request' && (options.revocationKey || options.claims || options.userClaims)) {
    throw invalidOptions("revocationKey, claims and userClaims exist only in JWTs; drop them or use responseFormat 'jwt'.");
  }
  const hooks = options.hooks ?? {};
  if (typeof hooks !== 'object' || hooks === null)
    throw invalidOptions(`hooks must be an object { onTokenIssued?, onDenied?, onError? }; got ${describeValue(hooks)}.`);
  assertKnownOptions(hooks, ['onTokenIssued', 'onDenied', 'onError'], `${where} hooks`);
  const logger = resolveLogger(options.logger);
  if (typeof logger !== 'object' || logger === null || typeof logger.error !== 'function' || typeof logger.warn !== 'function') {
    throw invalidOptions('logger must have error() and warn() methods (console, pino and winston do), or be false.');
  }
  return {
    keys,
    issuerOptions,
    compile,
    resolveUser: options.resolveUser,
    policy,
    toClientId: options.clientId ?? defaultClientId,
    revocationKey: options.revocationKey,
    claims: options.claims,
    userClaims: options.userClaims,
    responseFormat,
    timeoutMs: parseDurationSeconds(options.timeout ?? 10, { name: 'timeout', code: 'ERR_INVALID_OPTIONS', min: 1, max: 120 }) * 1000,
    hooks,
    logger,
    originCheck: resolveAllowedOrigins(options.allowedOrigins),
    telemetry: createRouteTelemetry(options.telemetry, where),
  };
}
