import { resourceMatches } from './capability-reading.js';
import { AblyChatAuthError, describeValue } from './errors.js';
import { displayTextProblem } from './invisible-characters.js';
import { assertPlainJson, type JsonValue } from './plain-data.js';
import { assertRoomPattern } from './room-pattern.js';
import { utf8ByteLength } from './utf8.js';

/** Prefix of the JWT claims Ably Chat copies onto what a user produces in a room (`ably.room.<pattern>`). */
export const USER_CLAIM_PREFIX = 'ably.room.';
/** Largest serialised value of one user claim, in bytes (UTF-8): Ably copies it onto every message. */
export const MAX_USER_CLAIM_BYTES = 1024;

/** A user claim's value: a string (sent as is) or plain JSON data (serialised with sorted keys). */
export type UserClaimValue = string | { readonly [key: string]: JsonValue };

/**
 * Per-room user claims: room pattern (`my-room`, `support:*`, `*`) -> what Ably Chat attaches as
 * `userClaim` to the user's messages, presence, typing and reactions in matching rooms.
 */
export type UserClaims = Readonly<Record<string, UserClaimValue>>;

/** The user claim that applies in a room: which pattern set it, and its value as signed. */
export interface AppliedUserClaim {
  pattern: string;
  value: string;
}

/**
 * `JSON.stringify` with object keys sorted at every level, so the same claim always signs to the
 * same bytes whatever order the app built the object in. Arrays keep their order. Hand-written:
 * the value already passed {@link assertPlainJson}, and a library would be a dependency for ten lines.
 */
export function stableJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, JsonValue>)[key]!)}`).join(',')}}`;
}

/**
 * Refuses control characters and bidi controls in the strings of a claim (keys included): other
 * users are shown them, and an unclosed U+202E reverses what follows a display name in their UI.
 */
function assertDisplayText(value: JsonValue, path: string): void {
  if (typeof value === 'string') {
    const problem = displayTextProblem(value);
    if (problem) {
      throw invalid(`${path} contains ${problem}, which would change what other users see. Remove it (user claims are shown to everyone in the room).`, path);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => assertDisplayText(item, `${path}[${i}]`));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyPath = `${path}[${JSON.stringify(key)}]`;
      const problem = displayTextProblem(key);
      if (problem) throw invalid(`The key ${keyPath} contains ${problem}, which would change what other users see. Remove it.`, keyPath);
      assertDisplayText(item, keyPath);
    }
  }
}

function invalid(message: string, path: string): AblyChatAuthError {
  return new AblyChatAuthError('ERR_INVALID_USER_CLAIMS', message, { details: { path } });
}

/**
 * Validates user claims and returns `[claim name, serialised value]` pairs in the order given.
 * Patterns follow the grant rules ({@link assertRoomPattern}); values must be a string or a plain
 * JSON object, each at most {@link MAX_USER_CLAIM_BYTES} bytes once serialised, with no control
 * character or bidi control in any of their strings.
 * @throws AblyChatAuthError `ERR_INVALID_ROOM_PATTERN` or `ERR_INVALID_USER_CLAIMS`.
 * @example
 * serialiseUserClaims({ '*': { display_name: 'Alice' } }); // [['ably.room.*', '{"display_name":"Alice"}']]
 */
export function serialiseUserClaims(userClaims: unknown): Array<[string, string]> {
  if (userClaims === undefined || userClaims === null) return [];
  if (typeof userClaims !== 'object' || Array.isArray(userClaims)) {
    throw invalid(`userClaims must be an object of room pattern -> string or JSON object; got ${describeValue(userClaims)}.`, 'userClaims');
  }
  assertPlainJson(userClaims, 'userClaims', 'ERR_INVALID_USER_CLAIMS');
  const out: Array<[string, string]> = [];
  for (const [pattern, value] of Object.entries(userClaims as Record<string, JsonValue>)) {
    assertRoomPattern(pattern);
    const path = `userClaims[${JSON.stringify(pattern)}]`;
    let serialised: string;
    if (typeof value === 'string') serialised = value;
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) serialised = stableJson(value);
    else {
      throw invalid(
        `${path} must be a string or a JSON object (e.g. { display_name: 'Alice' }); got ${describeValue(value)}. Ably Chat hands clients the string, so wrap other values in an object.`,
        path,
      );
    }
    assertDisplayText(value, path);
    const bytes = utf8ByteLength(serialised);
    if (bytes > MAX_USER_CLAIM_BYTES) {
      throw new AblyChatAuthError(
        'ERR_INVALID_USER_CLAIMS',
        `${path} is ${bytes} bytes once serialised; the limit is ${MAX_USER_CLAIM_BYTES}, as Ably copies it onto every message, presence update and reaction. Keep display data only (a name, a role, an avatar URL).`,
        { details: { path, bytes, limit: MAX_USER_CLAIM_BYTES } },
      );
    }
    out.push([`${USER_CLAIM_PREFIX}${pattern}`, serialised]);
  }
  return out;
}

/**
 * Orders two patterns that both match a room: negative when `a` is more specific. An exact name
 * beats any wildcard; among wildcards, more literal leading segments win (`support:vip:*` over
 * `support:*`), then more literal segments in all, then more segments; `*` comes last. Remaining
 * ties fall back to the name, so the answer never depends on the order claims were listed in.
 */
export function compareSpecificity(a: string, b: string): number {
  const rank = (pattern: string): number[] => {
    const segments = pattern.split(':');
    const exact = segments.includes('*') ? 0 : 1;
    let leading = 0;
    while (leading < segments.length && segments[leading] !== '*') leading++;
    const literal = segments.filter((s) => s !== '*').length;
    return [exact, leading, literal, segments.length];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Among user claims (pattern -> value), the one whose pattern matches `room` and is the most
 * specific (see {@link compareSpecificity}); undefined when none matches.
 * @example
 * pickUserClaim({ '*': 'a', 'support:*': 'b' }, 'support:42'); // { pattern: 'support:*', value: 'b' }
 */
export function pickUserClaim(userClaims: Readonly<Record<string, string>>, room: string): AppliedUserClaim | undefined {
  let best: string | undefined;
  for (const pattern of Object.keys(userClaims)) {
    if (!resourceMatches(pattern, room)) continue;
    if (best === undefined || compareSpecificity(pattern, best) < 0) best = pattern;
  }
  return best === undefined ? undefined : { pattern: best, value: userClaims[best]! };
}
