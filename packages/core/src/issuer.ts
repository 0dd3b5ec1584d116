import { ApiKeyResolver, hmacKeyOf, type AblyApiKey } from './api-key.js';
import {
  capabilityClaimJson,
  compileGrants,
  grantsPrivilegedOperations,
  isCompiledCapability,
  type AblyCapability,
  type ChatGrants,
  type CompiledCapability,
} from './capability.js';
import { assertClientId } from './client-id.js';
import { assertKnownOptions } from './did-you-mean.js';
import { parseDurationSeconds, type Duration } from './duration.js';
import { AblyChatAuthError, invalidOptions } from './errors.js';
import { signHs256 } from './hs256.js';
import { resolveTokenIssuerOptions, TOKEN_ISSUER_OPTION_NAMES, type ResolvedTokenIssuerOptions, type TokenIssuerOptions } from './issuer-options.js';
import { assertClaims, assertRevocationKey } from './jwt-claims.js';
import { jwtPayloadJson } from './jwt-payload.js';
import { MIN_TTL_SECONDS } from './limits.js';
import { INSPECT_CUSTOM } from './runtime.js';
import { tokenRequestNow, type AblyTokenRequest } from './token-request.js';
import { tokenTooLarge } from './token-size.js';
import { serialiseUserClaims, type UserClaims } from './user-claims.js';

/** What to put in one token. */
export interface IssueTokenParams {
  /** The identity (`x-ably-clientId`). Comes from your user record, never from the request. */
  clientId: string;
  /** The grants, or a capability already compiled with {@link compileGrants}. */
  grants: ChatGrants | CompiledCapability;
  /** Optional `x-ably-revocation-key`, e.g. a team or session id, to revoke tokens in bulk. */
  revocationKey?: string;
  /**
   * Extra JWT claims. `x-ably-*` names and the `ably.` names Ably reads (`ably.room.` user claims:
   * use `userClaims`; `ably.channel.`, `ably.limits.`) are refused with `ERR_RESERVED_CLAIM`, and
   * so is anything that is not plain JSON data (a `toJSON` method, a Date, a class instance...,
   * see {@link assertPlainJson}), with `ERR_INVALID_CLAIMS` naming its path.
   */
  claims?: Readonly<Record<string, unknown>>;
  /**
   * Chat user claims: room pattern -> a string or a plain JSON object (serialised with sorted
   * keys). Each becomes the claim `ably.room.<pattern>`, which Ably Chat copies as `userClaim` onto
   * the user's messages, presence, typing and reactions in matching rooms (the most specific
   * pattern wins). Patterns follow the grant rules; each value is at most 1 KiB serialised.
   * @example
   * issuer.issue({ clientId: 'alice', grants: { '*': 'all' }, userClaims: { '*': { display_name: 'Alice' }, announcements: { role: 'moderator' } } });
   */
  userClaims?: UserClaims;
  /** Lifetime of this token, within the issuer's bounds. Default: the issuer's `ttl`. */
  ttl?: Duration;
}

/** A signed token and what it carries. */
export interface IssuedToken {
  /** The signed JWT. */
  readonly token: string;
  readonly clientId: string;
  readonly keyName: string;
  readonly capability: AblyCapability;
  /** The `x-ably-capability` claim as sent. */
  readonly capabilityJson: string;
  readonly rooms: readonly string[];
  /** `iat`, in milliseconds since the epoch. */
  readonly issuedAt: number;
  /** `exp`, in milliseconds since the epoch. */
  readonly expiresAt: number;
  readonly revocationKey?: string;
}

/** Signs Ably JWTs for Chat. Build one per key configuration, at startup. */
export interface TokenIssuer {
  /**
   * Signs a token.
   * @throws AblyChatAuthError on bad clientId, grants, claims, TTL, an oversize token or a failing key provider.
   */
  issue(params: IssueTokenParams): Promise<IssuedToken>;
  /** The validated options. */
  readonly options: Readonly<ResolvedTokenIssuerOptions>;
  /** The key name when the key is static (undefined with a key provider). */
  readonly keyName: string | undefined;
  /** Resolves the current key (asks the provider, if any). */
  resolveKey(): AblyApiKey | Promise<AblyApiKey>;
  /** Signs with a key already resolved by {@link TokenIssuer.resolveKey}. */
  signWith(key: AblyApiKey, params: IssueTokenParams): Promise<IssuedToken>;
  /**
   * Builds an Ably TokenRequest (Ably's native flow: the client exchanges it with Ably) with the
   * same rules for clientId, grants and TTL. Revocation keys and extra claims exist only in JWTs.
   */
  createTokenRequest(params: TokenRequestParams): Promise<AblyTokenRequest>;
  /** {@link TokenIssuer.createTokenRequest} with a key already resolved. */
  tokenRequestWith(key: AblyApiKey, params: TokenRequestParams): Promise<AblyTokenRequest>;
}

/**
 * An issuer with its signing steps as values where the runtime signs synchronously (Node's
 * crypto) and promises elsewhere (WebCrypto): the token route's path, which then needs no promise
 * per token on Node. The public {@link TokenIssuer} is async on every runtime.
 * @internal
 */
export interface IssuerInternals {
  issuer: TokenIssuer;
  signNow(this: void, key: AblyApiKey, params: IssueTokenParams): IssuedToken | Promise<IssuedToken>;
  tokenRequestNow(this: void, key: AblyApiKey, params: TokenRequestParams): AblyTokenRequest | Promise<AblyTokenRequest>;
}

/** What to put in one TokenRequest. `timestamp` and `nonce` are for tests; leave them out. */
export interface TokenRequestParams {
  clientId: string;
  grants: ChatGrants | CompiledCapability;
  ttl?: Duration;
  /** ms since the epoch; default now. */
  timestamp?: number;
  /** default: 32 random hex characters. */
  nonce?: string;
}
/**
 * How far a token's `iat` is back-dated: the clock skew, but never more than half the token's TTL,
 * so `exp - now >= ttl / 2` when the token is issued.
 */
function backdatingSeconds(clockSkewSeconds: number, ttlSeconds: number): number {
  return Math.min(clockSkewSeconds, Math.floor(ttlSeconds / 2));
}
// An object shaped like a compiled capability but not branded is compiled as grants (rooms may be
// named `json` and `rooms`). When that fails, say what probably happened: a copy of a compiled
// capability, or one from another copy of this package, rather than "unknown feature in room json".
function compileAsGrants(grants: unknown, allowPrivilegedOperations: boolean): CompiledCapability | null {
  try {
    return compileGrants(grants, { allowPrivilegedOperations });
  } catch (cause) {
    const shaped =
      typeof grants === 'object' &&
      grants !== null &&
      typeof (grants as { json?: unknown }).json === 'string' &&
      Array.isArray((grants as { rooms?: unknown }).rooms);
    if (!shaped) throw cause;
    throw new AblyChatAuthError(
      'ERR_INVALID_GRANTS',
      'The grants object looks like a compiled capability but was not returned by compileGrants (a spread or JSON copy of one, or one from another copy of @ably-chat-auth/core), so their json is not trusted, and as grants they fail. Pass the grants themselves, or the object compileGrants returned.',
      { cause },
    );
  }
}

/**
 * Creates a token issuer. Validates everything it can at once, so misconfiguration fails at startup.
 * @example
 * const issuer = createTokenIssuer({ apiKey: process.env.ABLY_API_KEY!, ttl: '1h' });
 * const { token } = await issuer.issue({ clientId: 'alice', grants: { lobby: 'all' } });
 */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  return createIssuerInternals(options).issuer;
}

/** {@link createTokenIssuer}, with the signing steps the token route uses. @internal */
export function createIssuerInternals(options: TokenIssuerOptions): IssuerInternals {
  if (typeof options !== 'object' || options === null) throw invalidOptions('createTokenIssuer needs an options object with at least apiKey.');
  assertKnownOptions(options, TOKEN_ISSUER_OPTION_NAMES, 'createTokenIssuer');
  return issuerOf(new ApiKeyResolver(options.apiKey), resolveTokenIssuerOptions(options));
}

/** The issuer of a key and options already checked (the token route resolves its options in one pass). @internal */
export function issuerOf(keys: ApiKeyResolver, resolved: ResolvedTokenIssuerOptions): IssuerInternals {
  // The checks shared by JWTs and TokenRequests.
  function common(params: { clientId: string; grants: ChatGrants | CompiledCapability; ttl?: Duration }) {
    if (typeof params !== 'object' || params === null) throw invalidOptions('issue() needs { clientId, grants }.');
    const clientId = assertClientId(params.clientId, resolved.allowWildcardClientId);
    let compiled: CompiledCapability | null;
    if (isCompiledCapability(params.grants)) {
      compiled = params.grants;
      if (!resolved.allowPrivilegedOperations && grantsPrivilegedOperations(compiled)) {
        throw new AblyChatAuthError(
          'ERR_PRIVILEGED_OPERATION',
          'The compiled capability grants a privileged operation (*, push-admin or privileged-headers), but this issuer was not created with allowPrivilegedOperations: true.',
        );
      }
    } else {
      compiled = compileAsGrants(params.grants, resolved.allowPrivilegedOperations);
    }
    if (!compiled) {
      throw new AblyChatAuthError('ERR_INVALID_GRANTS', 'The grants give no room any feature; a token without capabilities would be refused by Ably.');
    }
    const ttlSeconds =
      params.ttl === undefined
        ? resolved.ttlSeconds
        : parseDurationSeconds(params.ttl, { name: 'ttl', code: 'ERR_INVALID_TTL', min: MIN_TTL_SECONDS, max: resolved.maxTtlSeconds });
    return { clientId, compiled, ttlSeconds };
  }

  function tokenRequestWith(key: AblyApiKey, params: TokenRequestParams): AblyTokenRequest | Promise<AblyTokenRequest> {
    const { clientId, compiled, ttlSeconds } = common(params);
    return tokenRequestNow(key, { ttl: ttlSeconds * 1000, capability: compiled.json, clientId, timestamp: params.timestamp, nonce: params.nonce });
  }

  function sign(key: AblyApiKey, params: IssueTokenParams): IssuedToken | Promise<IssuedToken> {
    const { clientId, compiled, ttlSeconds } = common(params);
    const revocationKey = assertRevocationKey(params.revocationKey);
    const claims = assertClaims(params.claims);
    const userClaims = serialiseUserClaims(params.userClaims);
    const iat = Math.floor(Date.now() / 1000) - backdatingSeconds(resolved.clockSkewSeconds, ttlSeconds);
    const exp = iat + ttlSeconds;
    const payloadJson = jwtPayloadJson({ claims, userClaims, iat, exp, capabilityJson: capabilityClaimJson(compiled), clientId, revocationKey });
    const signed = signHs256(key.keyName, hmacKeyOf(key), payloadJson);
    if (typeof signed === 'string') return issuedToken(signed, clientId, key, compiled, iat, exp, revocationKey, claims, userClaims);
    return signed.then((token) => issuedToken(token, clientId, key, compiled, iat, exp, revocationKey, claims, userClaims));
  }

  function issuedToken(
    token: string,
    clientId: string,
    key: AblyApiKey,
    compiled: CompiledCapability,
    iat: number,
    exp: number,
    revocationKey: string | undefined,
    claims: Record<string, unknown> | undefined,
    userClaims: ReadonlyArray<readonly [string, string]>,
  ): IssuedToken {
    if (token.length > resolved.maxTokenBytes) throw tokenTooLarge(token.length, resolved.maxTokenBytes, compiled, claims, userClaims);
    // A plain data object: an object literal with a getter (the capability, once built on demand)
    // cost more per token than building the capability, which is a few memoised arrays.
    const issued: { -readonly [K in keyof IssuedToken]: IssuedToken[K] } = {
      token,
      clientId,
      keyName: key.keyName,
      capability: compiled.capability,
      capabilityJson: compiled.json,
      rooms: compiled.rooms,
      issuedAt: iat * 1000,
      expiresAt: exp * 1000,
    };
    if (revocationKey !== undefined) issued.revocationKey = revocationKey;
    return issued;
  }

  const issuer: TokenIssuer = {
    options: Object.freeze({ ...resolved }),
    keyName: keys.staticKey?.keyName,
    resolveKey: () => keys.resolve(),
    signWith: async (key, params) => sign(key, params),
    tokenRequestWith: async (key, params) => tokenRequestWith(key, params),
    async createTokenRequest(params) {
      const key = keys.resolve();
      return tokenRequestWith(key instanceof Promise ? await key : key, params);
    },
    // Not an async function: with a static key this is one settled promise per token, not an
    // async frame and its promise (measurably cheaper per token on Node's synchronous HMAC).
    issue(params) {
      try {
        const key = keys.resolve();
        return key instanceof Promise ? key.then((resolvedKey) => sign(resolvedKey, params)) : Promise.resolve(sign(key, params));
      } catch (error) {
        // Rejects with what was thrown (always an AblyChatAuthError from sign), as an async function would.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(error);
      }
    },
  };
  Object.defineProperty(issuer, INSPECT_CUSTOM, {
    value: () => `TokenIssuer { keyName: ${issuer.keyName ? `'${issuer.keyName}'` : '[provider]'}, ttl: ${resolved.ttlSeconds}s }`,
  });
  Object.defineProperty(issuer, 'toJSON', { value: () => ({ keyName: issuer.keyName ?? '[provider]', ...resolved }) });
  return { issuer, signNow: sign, tokenRequestNow: tokenRequestWith };
}
