import { ALL_CHAT_OPERATIONS, randomTestKey } from './testing.js';
import { room, type ChatGrants, type Logger, type TokenRouteHooks, type TokenRouteTelemetryOptions, type UserClaims } from '@ably-chat-auth/core';

/** The user the contract's resolver returns. Its `id` is the token's clientId (core's default mapping). */
export interface ContractUser {
  id: string;
}

/**
 * Request headers as the adapter's framework exposes them: Node's `IncomingHttpHeaders`
 * (Express, Koa's `ctx.headers`, NestJS on either platform) or a Fetch `Headers` object.
 */
export type ContractHeaders = Readonly<Record<string, string | string[] | undefined>> | { get(name: string): string | null };

/** Core options the adapter must pass through unchanged (spread them into its own options). */
export interface ContractRouteOptions {
  apiKey: string;
  ttl: number;
  /** One origin on another site ({@link CONTRACT_ALLOWED_ORIGIN}) may fetch tokens; other cross-site requests get 403. */
  allowedOrigins: readonly string[];
  policy: (user: ContractUser, req: unknown) => ChatGrants | null;
  /** Chat user claims per user ({@link contractUserClaims}); async, as a profile lookup would be. */
  userClaims: (user: ContractUser, req: unknown) => Promise<UserClaims>;
  hooks: TokenRouteHooks<ContractUser, unknown>;
  logger: Logger;
  /** Core's telemetry option, set by the telemetry contract (providers that keep spans and metrics in memory). */
  telemetry?: TokenRouteTelemetryOptions;
}

/**
 * What the contract hands the adapter's `start` function. The adapter mounts a token route with
 * `options` plus a `resolveUser` that reads the framework's request headers and calls
 * `resolveUserFromHeaders` with them. Nothing else: every decision stays with core.
 */
export interface ContractSetup {
  options: ContractRouteOptions;
  /**
   * The test identity scheme: `Cookie: session=<user id>` names the user; no such cookie means
   * "not logged in" (returns null). The user id `resolver-throws` makes it throw, as a failing
   * session store would.
   */
  resolveUserFromHeaders: (headers: ContractHeaders) => ContractUser | null;
}

/** What the adapter's `start` function returns: where the token route listens and how to stop it. */
export interface StartedAdapter {
  /** e.g. `http://127.0.0.1:41234` */
  baseUrl: string;
  /** The token route's path, e.g. `/api/ably-token`. */
  tokenPath: string;
  /** Stops the server and drops its connections (keep-alive sockets included). */
  close: () => Promise<void>;
}

/** Starts the adapter under test on a real socket with the contract's setup. */
export type StartAdapter = (setup: ContractSetup) => Promise<StartedAdapter>;

/** User ids with a special meaning in the contract. */
export const CONTRACT_USERS = {
  /** The policy grants nothing: 403. */
  banned: 'banned',
  /** The resolver throws: 500. */
  resolverThrows: 'resolver-throws',
  /** The policy throws: 500. */
  policyThrows: 'policy-throws',
} as const;

/** The contract's token lifetime, in seconds. */
export const CONTRACT_TTL_SECONDS = 600;

/** The grants every ordinary contract user gets. */
export function contractGrants(userId: string): ChatGrants {
  return { lobby: 'all', [room`dms:${userId}:*`]: ['send', 'receive', 'history'] };
}

/** The user claims every ordinary contract user gets: a display name everywhere, a role in their DMs. */
export function contractUserClaims(userId: string): UserClaims {
  return { '*': { display_name: `User ${userId}`, badge: 'contract' }, [room`dms:${userId}:*`]: 'owner' };
}

/**
 * The user claims (pattern -> signed string) the token must carry for `userId`, spelled out so the
 * contract does not trust core's serialiser: objects signed with their keys sorted.
 */
export function expectedUserClaims(userId: string): Record<string, string> {
  return { '*': JSON.stringify({ badge: 'contract', display_name: `User ${userId}` }), [`dms:${userId}:*`]: 'owner' };
}

/**
 * The capability the token must carry for `userId`, spelled out as Ably operations so the
 * contract does not trust core's compiler to grade its own work.
 */
export function expectedCapability(userId: string): Record<string, string[]> {
  return {
    [`dms:${userId}:*`]: ['history', 'publish', 'subscribe'],
    lobby: [...ALL_CHAT_OPERATIONS],
  };
}

/** One recorded hook call. */
export type RecordedHookEvent =
  | { hook: 'onTokenIssued'; clientId: string; rooms: readonly string[]; keyName: string; request: unknown }
  | { hook: 'onDenied'; status: number; reason: string; clientId?: string; request: unknown }
  | { hook: 'onError'; status: number; phase: string; request: unknown };

/** One recorded log line. */
export interface RecordedLogLine {
  level: string;
  message: string;
  meta: Record<string, unknown> | undefined;
}

/** A contract run's key, setup and recordings. */
export interface ContractFixture {
  apiKey: string;
  keyName: string;
  secret: string;
  setup: ContractSetup;
  events: RecordedHookEvent[];
  logs: RecordedLogLine[];
}

function readCookie(headers: ContractHeaders): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get('cookie') ?? undefined;
  }
  const value = (headers as Readonly<Record<string, string | string[] | undefined>>).cookie;
  return Array.isArray(value) ? value.join('; ') : value;
}

/** The one web origin on another site that the contract's route lets in (`allowedOrigins`). */
export const CONTRACT_ALLOWED_ORIGIN = 'https://chat.example.test';

/** Builds a fresh fixture: a random key (so a leak of its secret is unmistakable), recorders, the policy. */
export function createContractFixture(): ContractFixture {
  const { apiKey, keyName, secret } = randomTestKey('contractApp.contractKey', 'CONTRACT');
  const events: RecordedHookEvent[] = [];
  const logs: RecordedLogLine[] = [];
  const record = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    logs.push({ level, message, meta });
  };

  const setup: ContractSetup = {
    options: {
      apiKey,
      ttl: CONTRACT_TTL_SECONDS,
      allowedOrigins: [CONTRACT_ALLOWED_ORIGIN],
      policy: (user) => {
        if (user.id === CONTRACT_USERS.banned) return null;
        if (user.id === CONTRACT_USERS.policyThrows) throw new Error('The grants store is unreachable.');
        return contractGrants(user.id);
      },
      userClaims: (user) => Promise.resolve(contractUserClaims(user.id)),
      hooks: {
        onTokenIssued: (e) => {
          events.push({ hook: 'onTokenIssued', clientId: e.clientId, rooms: e.rooms, keyName: e.keyName, request: e.request });
        },
        onDenied: (e) => {
          events.push({
            hook: 'onDenied',
            status: e.status,
            reason: e.reason,
            ...(e.clientId !== undefined ? { clientId: e.clientId } : {}),
            request: e.request,
          });
        },
        onError: (e) => {
          events.push({ hook: 'onError', status: e.status, phase: e.phase, request: e.request });
        },
      },
      logger: { error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug') },
    },
    resolveUserFromHeaders(headers) {
      const cookie = readCookie(headers);
      if (!cookie) return null;
      const match = /(?:^|;\s*)session=([^;]*)/.exec(cookie);
      const id = match?.[1] ? decodeURIComponent(match[1]) : '';
      if (!id) return null;
      if (id === CONTRACT_USERS.resolverThrows) throw new Error('The session store is unreachable.');
      return { id };
    },
  };
  return { apiKey, keyName, secret, setup, events, logs };
}

/** The request header that logs in `userId` under the contract's identity scheme. */
export function sessionCookie(userId: string): { cookie: string } {
  return { cookie: `session=${encodeURIComponent(userId)}` };
}
