import type { ChatGrants } from './capability.js';

/** What a policy may return: grants, or nothing (null, undefined, false) to refuse with 403. */
export type PolicyResult = ChatGrants | null | undefined | false;

/** A policy function: the user and the framework's request in, grants (or nothing: 403) out, sync or async. */
export type PolicyFunction<User = unknown, Req = unknown> = (user: User, req: Req) => PolicyResult | Promise<PolicyResult>;

/**
 * Decides what a user gets: a function of the user and the framework's request (sync or async),
 * or a static grants object for everyone who is signed in.
 */
export type ChatPolicy<User = unknown, Req = unknown> = ChatGrants | PolicyFunction<User, Req>;

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
export function definePolicy<User, Req = unknown>(policy: PolicyFunction<User, Req>): PolicyFunction<User, Req> {
  return policy;
}
