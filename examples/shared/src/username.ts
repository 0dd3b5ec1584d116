/** The demo's username rule: 1 to 32 lowercase letters, digits, `_` or `-`. */
export const USERNAME_PATTERN = /^[a-z0-9_-]{1,32}$/;

/** What {@link validateUsername} says: the username, or a message fit for a 400 answer. */
export type UsernameCheck = { ok: true; username: string } | { ok: false; error: string };

const RULE = 'Usernames are 1 to 32 characters: lowercase letters a-z, digits 0-9, "_" and "-".';

/**
 * Checks a username from a login form (surrounding white space is ignored).
 * @example
 * const check = validateUsername(req.body?.username);
 * if (!check.ok) return res.status(400).json({ error: check.error });
 */
export function validateUsername(value: unknown): UsernameCheck {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return { ok: false, error: `A username is required. ${RULE}` };
  }
  if (typeof value !== 'string') return { ok: false, error: `The username must be a string. ${RULE}` };
  const username = value.trim();
  if (username.length > 32) return { ok: false, error: `That username has ${username.length} characters; the limit is 32. ${RULE}` };
  if (!USERNAME_PATTERN.test(username)) {
    return {
      ok: false,
      error: `That username contains characters that are not allowed${/[A-Z]/.test(username) ? ', such as uppercase letters' : ''}. ${RULE}`,
    };
  }
  return { ok: true, username };
}
