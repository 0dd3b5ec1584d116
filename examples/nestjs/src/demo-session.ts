import type { Request } from 'express';
import type { DemoUser } from '@ably-chat-auth-examples/shared';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'chat.sid';

/** How long a login lasts. */
export const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;

/** What express-session keeps for this app (typed here rather than by augmenting `SessionData` for the whole program). */
interface DemoSessionData {
  /** Set by `POST /login`; read by the token route. */
  user?: DemoUser;
}

/** The logged-in user of a request, or undefined: the token route's `resolveUser`. */
export function sessionUser(req: Request): DemoUser | undefined {
  return (req.session as DemoSessionData | undefined)?.user;
}

/** Starts a new session (a new id, so an id planted before login is worthless) holding `user`. */
export async function startSession(req: Request, user: DemoUser): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.regenerate((error?: Error) => (error ? reject(error) : resolve())));
  (req.session as DemoSessionData).user = user;
  await new Promise<void>((resolve, reject) => req.session.save((error?: Error) => (error ? reject(error) : resolve())));
}

/** Destroys the session on the server: its cookie no longer resolves to a user. */
export async function endSession(req: Request): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.destroy((error?: Error) => (error ? reject(error) : resolve())));
}
