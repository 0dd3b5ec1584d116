/* The stress suite's server side: keys, a session store, the policy, recorders, and the checks a
 * token must pass. The policy and the expected capability are the adapter contract's, so the
 * stress suite grades tokens by the same rule as the contract. */
import { randomBytes } from 'node:crypto';
import { capabilityOf, randomTestKey } from '@ably-chat-auth/adapter-contract/testing';
import { contractGrants, expectedCapability, type ContractHeaders } from '@ably-chat-auth/adapter-contract';
import { decodeAblyToken, type Logger, type TokenRouteHooks, type TokenRouteOptions } from '@ably-chat-auth/core';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';

/** A signed-in user as the session store holds it. */
export interface StressUser {
  id: string;
  banned: boolean;
}

/** The route options every adapter takes unchanged (the adapter adds only `resolveUser`). */
export type StressRouteOptions = Omit<TokenRouteOptions<StressUser, unknown>, 'resolveUser'>;

/**
 * What an adapter factory gets: core options to spread into its own, and the identity scheme its
 * `resolveUser` calls with the framework's request headers (sync or async, so faults can delay it).
 */
export interface StressSetup {
  options: StressRouteOptions;
  resolveUserFromHeaders(headers: ContractHeaders): StressUser | null | Promise<StressUser | null>;
  /** Where the adapter's framework reports its own errors (Koa's `error` event, Nest's logger...). */
  recorder: Recorder;
}

/** An Ably API key made up for one run, so a leaked secret would be unmistakable. */
export interface StressKey {
  apiKey: string;
  keyName: string;
  secret: string;
}

export function createKey(keyId = 'stressKey'): StressKey {
  return randomTestKey(`stressApp.${keyId}`, 'STRESS');
}

/**
 * The only way to be somebody: `Cookie: session=<opaque session id>`, looked up in a server-side
 * table. Nothing in the request (query, body, other headers) can name a user or a capability.
 */
export class SessionStore {
  readonly #byId = new Map<string, StressUser>();
  readonly #sessionOf = new Map<string, string>();

  constructor(users: readonly StressUser[]) {
    users.forEach((user, index) => {
      const sessionId = `sid-${index.toString(36)}-${randomBytes(6).toString('hex')}`;
      this.#byId.set(sessionId, user);
      this.#sessionOf.set(user.id, sessionId);
    });
  }

  /** The session id that signs `userId` in. */
  sessionOf(userId: string): string {
    const sessionId = this.#sessionOf.get(userId);
    if (!sessionId) throw new Error(`No such stress user: ${userId}`);
    return sessionId;
  }

  /** `Cookie` header value for a user. */
  cookieOf(userId: string): string {
    return `session=${this.sessionOf(userId)}`;
  }

  /** The user a (joined) Cookie header names: the first `session=` wins; unknown ids are nobody. */
  userForCookie(cookie: string | undefined): StressUser | null {
    if (!cookie) return null;
    const match = /(?:^|;\s*)session=([^;]*)/.exec(cookie);
    return (match && this.#byId.get(match[1]!.trim())) || null;
  }

  /** The resolver: reads the Cookie header from Node's `IncomingHttpHeaders` or a Fetch `Headers`. */
  userForHeaders(headers: ContractHeaders): StressUser | null {
    if (typeof (headers as { get?: unknown }).get === 'function') {
      return this.userForCookie((headers as { get(name: string): string | null }).get('cookie') ?? undefined);
    }
    const value = (headers as Readonly<Record<string, string | string[] | undefined>>).cookie;
    return this.userForCookie(Array.isArray(value) ? value.join('; ') : value);
  }
}

/** The policy: banned users get nothing (403), everyone else the contract's grants. */
export function stressPolicy(user: StressUser): ReturnType<typeof contractGrants> | null {
  return user.banned ? null : contractGrants(user.id);
}

/** One line written to the recording logger (ours, or a framework's own error channel). */
export interface LogLine {
  source: string;
  level: string;
  message: string;
  meta?: unknown;
}

/** Records everything the route and the frameworks log, and every hook call. */
export class Recorder {
  readonly logs: LogLine[] = [];
  readonly issued: { clientId: string; keyName: string }[] = [];
  readonly denied: { status: number; reason: string }[] = [];
  readonly errors: { status: number; phase: string }[] = [];

  log(source: string, level: string, message: string, meta?: unknown): void {
    this.logs.push({ source, level, message, meta });
  }

  /** Lines at `error` level: what an operator would page on. */
  get errorLines(): LogLine[] {
    return this.logs.filter((line) => line.level === 'error');
  }

  readonly logger: Logger = {
    error: (message, meta) => this.log('ably-chat-auth', 'error', message, meta),
    warn: (message, meta) => this.log('ably-chat-auth', 'warn', message, meta),
    info: (message, meta) => this.log('ably-chat-auth', 'info', message, meta),
    debug: (message, meta) => this.log('ably-chat-auth', 'debug', message, meta),
  };

  readonly hooks: TokenRouteHooks<StressUser, unknown> = {
    onTokenIssued: (event) => {
      this.issued.push({ clientId: event.clientId, keyName: event.keyName });
    },
    onDenied: (event) => {
      this.denied.push({ status: event.status, reason: event.reason });
    },
    onError: (event) => {
      this.errors.push({ status: event.status, phase: event.phase });
    },
  };

  clear(): void {
    this.logs.length = 0;
    this.issued.length = 0;
    this.denied.length = 0;
    this.errors.length = 0;
  }
}

/** A setup with a static key, the session store's resolver, the policy and a recorder. */
export function createSetup(sessions: SessionStore, recorder: Recorder, key: StressKey, overrides: Partial<StressRouteOptions> = {}): StressSetup {
  return {
    options: { apiKey: key.apiKey, ttl: 600, policy: stressPolicy, hooks: recorder.hooks, logger: recorder.logger, ...overrides },
    resolveUserFromHeaders: (headers) => sessions.userForHeaders(headers),
    recorder,
  };
}

/** The kit's sorted capability, from an object (what decodeAblyToken returns) rather than the JSON. */
function sortedCapability(capability: Record<string, readonly string[]>): Record<string, string[]> {
  return capabilityOf(JSON.stringify(capability));
}

/**
 * Checks, without a key, that a token is the server's token for `userId`: its clientId, its exact
 * capability and its key name. Returns what is wrong, or null.
 */
export function tokenProblem(token: string, userId: string, keyName: string): string | null {
  let decoded;
  try {
    decoded = decodeAblyToken(token);
  } catch (error) {
    return `not an Ably JWT (${(error as Error).message})`;
  }
  if (decoded.clientId !== userId) return `clientId ${JSON.stringify(decoded.clientId)} instead of ${JSON.stringify(userId)}`;
  if (decoded.keyName !== keyName) return `kid ${JSON.stringify(decoded.keyName)} instead of ${JSON.stringify(keyName)}`;
  if (decoded.algorithm !== 'HS256') return `alg ${String(decoded.algorithm)}`;
  const actual = JSON.stringify(sortedCapability(decoded.capability));
  const expected = JSON.stringify(sortedCapability(expectedCapability(userId)));
  if (actual !== expected) return `capability ${actual} instead of ${expected}`;
  const claims = Object.keys(decoded.claims).sort().join(',');
  if (claims !== 'exp,iat,x-ably-capability,x-ably-clientId') return `unexpected claims ${claims}`;
  return null;
}

/** Verifies the signature and `kid` independently of core, with jose. Returns what is wrong, or null. */
export async function signatureProblem(token: string, key: StressKey): Promise<string | null> {
  try {
    const { protectedHeader } = await jwtVerify(token, new TextEncoder().encode(key.secret), { algorithms: ['HS256'] });
    return protectedHeader.kid === key.keyName ? null : `kid ${String(protectedHeader.kid)}`;
  } catch (error) {
    return `signature check failed: ${(error as Error).message}`;
  }
}

const expectedCapabilityJson = new Map<string, string>();

/**
 * The same check as {@link tokenProblem}, cheap enough for every answer of a soak: jose decodes the
 * JWT's header and payload (no signature check), and the capability is compared in a canonical order.
 */
export function quickTokenProblem(token: string, userId: string, keyName: string): string | null {
  let kid: unknown;
  let claims: Record<string, unknown>;
  try {
    kid = decodeProtectedHeader(token).kid;
    claims = decodeJwt(token);
  } catch (error) {
    return `not a JWT (${(error as Error).message})`;
  }
  if (kid !== keyName) return `kid ${String(kid)}`;
  if (claims['x-ably-clientId'] !== userId) return `clientId ${JSON.stringify(claims['x-ably-clientId'])} instead of ${JSON.stringify(userId)}`;
  let expected = expectedCapabilityJson.get(userId);
  if (expected === undefined) {
    expected = JSON.stringify(sortedCapability(expectedCapability(userId)));
    expectedCapabilityJson.set(userId, expected);
  }
  const capability = claims['x-ably-capability'];
  const actual = typeof capability === 'string' ? JSON.stringify(sortedCapability(JSON.parse(capability) as Record<string, string[]>)) : String(capability);
  return actual === expected ? null : `capability ${actual}`;
}
