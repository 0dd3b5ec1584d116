import { ApiKeyResolver, hmacKeyOf, type AblyApiKey, type ApiKeySource } from './api-key.js';
import {
  capabilityClaimJson,
  compileGrants,
  grantsPrivilegedOperations,
  isCompiledCapability,
  type AblyCapability,
  type ChatGrants,
  type CompiledCapability,
} from './capability.js';
import { parseDurationSeconds, type Duration } from './duration.js';
import { AblyChatAuthError, describeValue } from './errors.js';
import { invisibleCharacterProblem } from './invisible-characters.js';
import { signHs256 } from './hs256.js';
import { assertKnownOptions } from './did-you-mean.js';
import { assertPlainJson, nullPrototype } from './plain-data.js';
import { tokenRequestNow, type AblyTokenRequest } from './token-request.js';
import { INSPECT_CUSTOM } from './runtime.js';
import { serialiseUserClaims, USER_CLAIM_PREFIX, type UserClaims } from './user-claims.js';

/** Ably's TTL ceiling for tokens: 24 h, or 1 h when the key has revocable tokens enabled. */
export const MAX_TTL_SECONDS = 24 * 3600;
export const MAX_REVOCABLE_TTL_SECONDS = 3600;
/** Shortest TTL accepted: shorter tokens would make clients renew constantly. */
export const MIN_TTL_SECONDS = 10;
/** Largest `iat` back-dating accepted for server clock skew. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** Largest clientId accepted, in characters. */
export const MAX_CLIENT_ID_LENGTH = 256;
/** Tokens travel in URLs and headers: refuse anything larger than this many bytes. */
export const MAX_TOKEN_BYTES = 8192;

/** Options of {@link createTokenIssuer}. */
export interface TokenIssuerOptions {
  /**
   * The Ably API key `appId.keyId:secret`, or a function returning it (sync or async), asked for
   * every token so a rotated key takes effect at once. A static key is validated at creation.
   */
  apiKey: ApiKeySource;
  /** Token lifetime: seconds or a string like `'15m'`. Default `'1h'`; at most 24 h (1 h with `revocableTokens`). */
  ttl?: Duration;
  /** Declare that the key has revocable tokens enabled: Ably then caps the TTL at 1 h. Default `false`. */
  revocableTokens?: boolean;
  /**
   * How far `iat` is back-dated, so a server clock slightly ahead of Ably's does not produce
   * "issuedAt time must not be in the future" (40001). `exp` is `iat + ttl`. Default `'30s'`, at most `'5m'`.
   *
   * Each token is back-dated by `min(clockSkew, floor(ttl / 2))` of its own TTL, so a token always
   * has at least half its lifetime left when issued: `issue({ ttl: 10 })` with the default 30 s
   * skew is back-dated 5 s and valid for 5 s more, never born expired.
   * @example
   * createTokenIssuer({ apiKey: process.env.ABLY_API_KEY!, ttl: '1h', clockSkew: '1m' });
   */
  clockSkew?: Duration;
  /** Allow the clientId `*` (a client that may claim any identity). Default `false`; Chat needs a concrete identity. */
  allowWildcardClientId?: boolean;
  /** Refuse tokens larger than this many bytes. Default and maximum 8192. */
  maxTokenBytes?: number;
  /**
   * Allow grants of `op:*`, `op:push-admin` and `op:privileged-headers`, which no Chat feature
   * needs. Default `false`: such grants throw `ERR_PRIVILEGED_OPERATION` (at startup for a static
   * policy; a 500 with a log line for a dynamic one).
   */
  allowPrivilegedOperations?: boolean;
}

/** The option names {@link createTokenIssuer} reads; any other name is refused. */
export const TOKEN_ISSUER_OPTION_NAMES: readonly string[] = [
  'apiKey',
  'ttl',
  'revocableTokens',
  'clockSkew',
  'allowWildcardClientId',
  'maxTokenBytes',
  'allowPrivilegedOperations',
];

/** The resolved, validated form of {@link TokenIssuerOptions}. */
export interface ResolvedTokenIssuerOptions {
  ttlSeconds: number;
  maxTtlSeconds: number;
  clockSkewSeconds: number;
  revocableTokens: boolean;
  allowWildcardClientId: boolean;
  maxTokenBytes: number;
  allowPrivilegedOperations: boolean;
}

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

/** Validates issuer options; throws at startup rather than on the first request. */
export function resolveTokenIssuerOptions(options: Omit<TokenIssuerOptions, 'apiKey'>): ResolvedTokenIssuerOptions {
  const revocableTokens = options.revocableTokens ?? false;
  if (typeof revocableTokens !== 'boolean') throw invalid('revocableTokens must be a boolean.');
  const maxTtlSeconds = revocableTokens ? MAX_REVOCABLE_TTL_SECONDS : MAX_TTL_SECONDS;
  const ttlSeconds = parseDurationSeconds(options.ttl ?? '1h', {
    name: 'ttl',
    code: 'ERR_INVALID_TTL',
    min: MIN_TTL_SECONDS,
    max: maxTtlSeconds,
    hint: revocableTokens ? 'Ably caps tokens of keys with revocable tokens at 1 hour.' : 'Ably caps token lifetimes at 24 hours.',
  });
  const clockSkewSeconds = parseDurationSeconds(options.clockSkew ?? 30, {
    name: 'clockSkew',
    code: 'ERR_INVALID_CLOCK_SKEW',
    min: 0,
    // Not bounded by the TTL: each token's back-dating is capped at half its own TTL instead.
    max: MAX_CLOCK_SKEW_SECONDS,
    hint: 'It back-dates iat to absorb a server clock running ahead of Ably; keep it small and fix the clock with NTP.',
  });
  const allowWildcardClientId = options.allowWildcardClientId ?? false;
  if (typeof allowWildcardClientId !== 'boolean') throw invalid('allowWildcardClientId must be a boolean.');
  const maxTokenBytes = options.maxTokenBytes ?? MAX_TOKEN_BYTES;
  if (!Number.isInteger(maxTokenBytes) || maxTokenBytes < 256 || maxTokenBytes > MAX_TOKEN_BYTES) {
    throw invalid(`maxTokenBytes must be an integer between 256 and ${MAX_TOKEN_BYTES}.`);
  }
  const allowPrivilegedOperations = options.allowPrivilegedOperations ?? false;
  if (typeof allowPrivilegedOperations !== 'boolean') throw invalid('allowPrivilegedOperations must be a boolean.');
  return { ttlSeconds, maxTtlSeconds, clockSkewSeconds, revocableTokens, allowWildcardClientId, maxTokenBytes, allowPrivilegedOperations };
}

/**
 * How far a token's `iat` is back-dated: the clock skew, but never more than half the token's TTL,
 * so `exp - now >= ttl / 2` when the token is issued.
 */
function backdatingSeconds(clockSkewSeconds: number, ttlSeconds: number): number {
  return Math.min(clockSkewSeconds, Math.floor(ttlSeconds / 2));
}

function invalid(message: string): AblyChatAuthError {
  return new AblyChatAuthError('ERR_INVALID_OPTIONS', message);
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point: a clientId or claim value must not contain one
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Checks a clientId; returns it. */
export function assertClientId(clientId: unknown, allowWildcard = false): string {
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new AblyChatAuthError(
      'ERR_INVALID_CLIENT_ID',
      `The clientId must be a non-empty string; got ${clientId === '' ? 'an empty string' : describeValue(clientId)}. Map your user to a stable id with the clientId option.`,
    );
  }
  if (clientId.length > MAX_CLIENT_ID_LENGTH) {
    throw new AblyChatAuthError('ERR_INVALID_CLIENT_ID', `The clientId is ${clientId.length} characters long; the limit is ${MAX_CLIENT_ID_LENGTH}.`);
  }
  if (CONTROL.test(clientId)) throw new AblyChatAuthError('ERR_INVALID_CLIENT_ID', 'The clientId contains a control character.');
  const invisible = invisibleCharacterProblem(clientId);
  if (invisible) {
    throw new AblyChatAuthError(
      'ERR_INVALID_CLIENT_ID',
      `The clientId contains ${invisible}, which would let it pose as another user in a chat UI. Remove it (normalise user ids before use).`,
    );
  }
  if (clientId === '*' && !allowWildcard) {
    throw new AblyChatAuthError(
      'ERR_WILDCARD_CLIENT_ID',
      "The clientId '*' would let the client claim any identity, and Ably Chat needs a concrete one. Use the user's id, or set allowWildcardClientId: true if you really mean it.",
    );
  }
  return clientId;
}

const RESERVED_CLAIMS = new Set(['iat', 'exp', 'nbf', 'kid', 'alg']);

/** `ably.` claim names Ably reads, and where to set them instead. */
const RESERVED_ABLY_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  [USER_CLAIM_PREFIX, "Ably Chat's user claims: set them with the userClaims option ({ '<room pattern>': value }), which validates the pattern and the value."],
  ['ably.channel.', 'Ably Pub/Sub channel claims, which Chat rooms do not use: grant rooms with grants and set per-room data with userClaims.'],
  ['ably.limits.', "Ably's per-connection limits, which this package does not set: leave them out."],
];

function assertClaims(claims: unknown): Record<string, unknown> | undefined {
  if (claims === undefined || claims === null) return undefined;
  if (typeof claims !== 'object' || Array.isArray(claims)) {
    throw new AblyChatAuthError('ERR_INVALID_CLAIMS', `Extra claims must be a plain object; got ${describeValue(claims)}.`, { details: { path: 'claims' } });
  }
  // Before the names: a toJSON or a getter could otherwise change what the checks below saw.
  assertPlainJson(claims, 'claims', 'ERR_INVALID_CLAIMS');
  for (const name of Object.keys(claims)) {
    if (name.toLowerCase().startsWith('x-ably-')) {
      throw new AblyChatAuthError(
        'ERR_RESERVED_CLAIM',
        `The claim '${name}' is reserved by Ably; ably-chat-auth sets x-ably-capability, x-ably-clientId and x-ably-revocation-key itself (use grants, the clientId and the revocationKey option).`,
      );
    }
    const lower = name.toLowerCase();
    const ably = RESERVED_ABLY_PREFIXES.find(([prefix]) => lower.startsWith(prefix));
    if (ably) {
      throw new AblyChatAuthError('ERR_RESERVED_CLAIM', `The claim '${name.slice(0, 80)}' is reserved by Ably for ${ably[1]}`, {
        details: { claim: name.slice(0, 80) },
      });
    }
    if (lower.startsWith('ably.')) {
      throw new AblyChatAuthError(
        'ERR_RESERVED_CLAIM',
        `The claim '${name.slice(0, 80)}' uses Ably's reserved 'ably.' prefix. Set user claims with the userClaims option; name your own claims without the prefix.`,
        { details: { claim: name.slice(0, 80) } },
      );
    }
    if (RESERVED_CLAIMS.has(name)) {
      throw new AblyChatAuthError('ERR_RESERVED_CLAIM', `The claim '${name}' is set by the issuer; use the ttl and clockSkew options instead.`);
    }
  }
  return claims as Record<string, unknown>;
}

function assertRevocationKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || CONTROL.test(value)) {
    throw new AblyChatAuthError(
      'ERR_INVALID_REVOCATION_KEY',
      `The revocation key must be a non-empty string of at most 256 characters without control characters; got ${describeValue(value)}.`,
    );
  }
  return value;
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
  if (typeof options !== 'object' || options === null) throw invalid('createTokenIssuer needs an options object with at least apiKey.');
  assertKnownOptions(options, TOKEN_ISSUER_OPTION_NAMES, 'createTokenIssuer');
  const keys = new ApiKeyResolver(options.apiKey);
  const resolved = resolveTokenIssuerOptions(options);

  // The checks shared by JWTs and TokenRequests.
  function common(params: { clientId: string; grants: ChatGrants | CompiledCapability; ttl?: Duration }) {
    if (typeof params !== 'object' || params === null) throw invalid('issue() needs { clientId, grants }.');
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
    // The payload JSON is written here, in this order: the extra claims, the user claims
    // (`ably.room.<pattern>`, in the order given), iat, exp, x-ably-capability, x-ably-clientId,
    // x-ably-revocation-key (what JSON.stringify of such an object gives, without building the
    // object). assertPlainJson and the reserved names already ran, so no extra claim collides with
    // a user claim; a claim named `__proto__` stays a claim, as JSON.stringify of a prototype-less
    // copy keeps it.
    let extra = claims ? JSON.stringify(Object.assign(nullPrototype<unknown>(), claims)).slice(1, -1) : '';
    for (const [name, value] of userClaims) extra += `${extra ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(value)}`;
    const payloadJson =
      `{${extra}${extra ? ',' : ''}"iat":${iat},"exp":${exp},"x-ably-capability":${capabilityClaimJson(compiled)},"x-ably-clientId":${JSON.stringify(clientId)}` +
      `${revocationKey !== undefined ? `,"x-ably-revocation-key":${JSON.stringify(revocationKey)}` : ''}}`;
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
    if (token.length > resolved.maxTokenBytes) throw tooLarge(token.length, resolved.maxTokenBytes, compiled, claims, userClaims);
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
    async issue(params) {
      const key = keys.resolve();
      return sign(key instanceof Promise ? await key : key, params);
    },
  };
  Object.defineProperty(issuer, INSPECT_CUSTOM, {
    value: () => `TokenIssuer { keyName: ${issuer.keyName ? `'${issuer.keyName}'` : '[provider]'}, ttl: ${resolved.ttlSeconds}s }`,
  });
  Object.defineProperty(issuer, 'toJSON', { value: () => ({ keyName: issuer.keyName ?? '[provider]', ...resolved }) });
  return { issuer, signNow: sign, tokenRequestNow: tokenRequestWith };
}

function tooLarge(
  bytes: number,
  limit: number,
  compiled: CompiledCapability,
  claims: Record<string, unknown> | undefined,
  userClaims: ReadonlyArray<readonly [string, string]>,
): AblyChatAuthError {
  const contributions = compiled.rooms
    .map((room) => ({ room, bytes: Math.ceil((JSON.stringify(room).length + JSON.stringify(compiled.capability[room]).length + 2) * 1.37) }))
    .sort((a, b) => b.bytes - a.bytes);
  const top = contributions.slice(0, 5).map((c) => `'${c.room}' (~${c.bytes} B)`);
  const claimBytes = claims ? Math.ceil(JSON.stringify(claims).length * 1.37) : 0;
  const userClaimContributions = userClaims
    .map(([name, value]) => ({
      pattern: name.slice(USER_CLAIM_PREFIX.length),
      bytes: Math.ceil((JSON.stringify(name).length + JSON.stringify(value).length + 2) * 1.37),
    }))
    .sort((a, b) => b.bytes - a.bytes);
  const userClaimBytes = userClaimContributions.reduce((sum, c) => sum + c.bytes, 0);
  const topUserClaims = userClaimContributions.slice(0, 5).map((c) => `'${c.pattern}' (~${c.bytes} B)`);
  return new AblyChatAuthError(
    'ERR_TOKEN_TOO_LARGE',
    `The token would be ${bytes} bytes; the limit is ${limit}, as tokens travel in URLs and headers. It grants ${compiled.rooms.length} room pattern(s); the largest: ${top.join(', ')}${claimBytes ? `; extra claims ~${claimBytes} B` : ''}${userClaimBytes ? `; ${userClaims.length} user claim(s) ~${userClaimBytes} B, the largest: ${topUserClaims.join(', ')}` : ''}. Grant a namespace ('ns:*') instead of listing rooms one by one${userClaimBytes ? ", and set one user claim for '*' or a namespace rather than one per room" : ''}.`,
    {
      details: {
        bytes,
        limit,
        rooms: compiled.rooms.length,
        largest: contributions.slice(0, 5),
        claimBytes,
        userClaimBytes,
        largestUserClaims: userClaimContributions.slice(0, 5),
      },
    },
  );
}
