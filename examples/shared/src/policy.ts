import { room, type ChatGrants, type UserClaims } from '@ably-chat-auth/core';

/** The user the demo apps keep in their session after `POST /login`. */
export interface DemoUser {
  /** Checked with {@link validateUsername} at login; it is also the Ably clientId. */
  username: string;
}

/** The user who moderates `announcements`. */
export const DEMO_ADMIN = 'admin';
/** The user who may log in but never gets a token (the token route answers 403). */
export const DEMO_BANNED = 'banned';

/**
 * What each demo user may do, room by room:
 * - `lobby`: every Chat feature;
 * - `announcements`: read-only (receive, history, occupancy), except `admin`, who moderates it;
 * - `dms:<username>:*`: the user's own direct-message rooms;
 * - `banned` gets nothing, so the token route answers 403 and the Ably client stops retrying.
 *
 * @example createTokenMiddleware({ apiKey, policy: demoPolicy, clientId: demoClientId, resolveUser })
 */
export function demoPolicy(user: DemoUser): ChatGrants | null {
  if (user.username === DEMO_BANNED) return null;
  return {
    lobby: 'all',
    announcements: user.username === DEMO_ADMIN ? 'moderator' : ['receive', 'history', 'occupancy'],
    // The `room` template refuses ':' and '*' in the username, so it can never widen to `dms:*`.
    [room`dms:${user.username}:*`]: ['send', 'receive', 'history', 'typing', 'presence'],
  };
}

/** The token's clientId for a demo user: the username. */
export function demoClientId(user: DemoUser): string {
  return user.username;
}

/** The name others see for a demo user: the username with its first letter capitalised (`alice` -> `Alice`). */
export function demoDisplayName(user: DemoUser): string {
  return user.username.charAt(0).toUpperCase() + user.username.slice(1);
}

/**
 * What others see about each demo user (Chat user claims, copied by Ably onto their messages,
 * presence and reactions): a display name in every room, and for `admin` the role `moderator` in
 * `announcements` (the more specific pattern wins there).
 *
 * @example createTokenMiddleware({ apiKey, policy: demoPolicy, userClaims: demoUserClaims, resolveUser })
 */
export function demoUserClaims(user: DemoUser): UserClaims {
  const display_name = demoDisplayName(user);
  return {
    '*': { display_name },
    ...(user.username === DEMO_ADMIN ? { announcements: { display_name, role: 'moderator' } } : {}),
  };
}
