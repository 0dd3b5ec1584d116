import { AblyChatAuthError } from './errors.js';
import { invisibleCharacterProblem } from './invisible-characters.js';

/** Longest room pattern accepted, in characters (Ably channel names are bounded; rooms are short). */
export const MAX_ROOM_PATTERN_LENGTH = 200;

/** A room pattern that passed validation (`room`, `ns:*`, `ns:*:x`, `*`). */
export type RoomPattern = string & { readonly __roomPattern?: true };

// Control characters, and characters Ably gives a meaning to inside a segment.
// eslint-disable-next-line no-control-regex -- matching control characters is the point: room names must not contain them
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const validated = new Set<string>();

/**
 * Checks a room pattern against Ably's whole-segment wildcard rules and returns it.
 * Accepts an exact room (`my-chat-room`), a namespace (`dms:*`), inner wildcards (`team:*:general`)
 * and all rooms (`*`). Rejects `foo*` (Ably reads it literally), empty segments, qualifiers
 * (`[chat]...`), control characters, invisible or direction-changing characters, lone surrogates
 * and names over {@link MAX_ROOM_PATTERN_LENGTH} characters.
 * @throws AblyChatAuthError `ERR_INVALID_ROOM_PATTERN` saying what to write instead.
 */
export function assertRoomPattern(pattern: unknown): RoomPattern {
  if (typeof pattern === 'string' && validated.has(pattern)) return pattern;
  const problem = roomPatternProblem(pattern);
  if (problem) {
    throw new AblyChatAuthError('ERR_INVALID_ROOM_PATTERN', problem, {
      details: { pattern: typeof pattern === 'string' ? pattern.slice(0, MAX_ROOM_PATTERN_LENGTH) : undefined },
    });
  }
  // Bounded memo: policies repeat the same few patterns on every request.
  if (validated.size > 10_000) validated.clear();
  validated.add(pattern as string);
  return pattern as RoomPattern;
}

/** True when `pattern` is a valid room pattern. */
export function isRoomPattern(pattern: unknown): pattern is RoomPattern {
  return typeof pattern === 'string' && (validated.has(pattern) || roomPatternProblem(pattern) === undefined);
}

function roomPatternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return `A room pattern must be a string; got ${pattern === null ? 'null' : typeof pattern}.`;
  const shown = JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern);
  if (pattern.length === 0) return 'A room pattern must not be empty. Use a room name, "ns:*" for a namespace or "*" for all rooms.';
  if (pattern.length > MAX_ROOM_PATTERN_LENGTH) {
    return `Room pattern ${shown} is ${pattern.length} characters long; the limit is ${MAX_ROOM_PATTERN_LENGTH}.`;
  }
  if (CONTROL.test(pattern)) return `Room pattern ${shown} contains a control character.`;
  const invisible = invisibleCharacterProblem(pattern);
  if (invisible) return `Room pattern ${shown} contains ${invisible}, which would let it pose as another room name. Remove it.`;
  if (pattern.startsWith('[')) {
    return `Room pattern ${shown} starts with a qualifier such as [chat] or [*]; qualifiers are not used for Chat rooms. Use the room name, "ns:*" or "*".`;
  }
  if (/\s/.test(pattern) && pattern.trim() !== pattern) return `Room pattern ${shown} has leading or trailing white space.`;
  const segments = pattern.split(':');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.length === 0) {
      return `Room pattern ${shown} has an empty segment (${i === 0 ? 'it starts with' : i === segments.length - 1 ? 'it ends with' : 'it has'} ':'${i > 0 && i < segments.length - 1 ? '::' : ''}). Segments are separated by a single ':'.`;
    }
    // Each segment is a name a chat UI shows: `dms: alice` must not pose as `dms:alice`.
    if (segment.trim() !== segment || /^\p{White_Space}|\p{White_Space}$/u.test(segment)) {
      return `Room pattern ${shown} has white space at the start or end of segment #${i + 1} ("${segment}"), which would let it pose as another room name. Remove it.`;
    }
    if (segment !== '*' && segment.includes('*')) {
      const fixed = segments.map((s, j) => (j === i ? s.replace(/\*+/g, '') || '*' : s));
      const suggestion = segment.endsWith('*') && segment.replace(/\*+$/, '').length > 0 ? `${fixed.join(':')}:*` : fixed.join(':');
      return `Room pattern ${shown} puts '*' inside a segment ("${segment}"). Ably's '*' replaces whole ':'-separated segments, so this would only match a room literally named ${shown}. Did you mean "${suggestion}"?`;
    }
    if (segment.includes('[') || segment.includes(']')) {
      return `Room pattern ${shown} contains '[' or ']', which Ably reserves for qualifiers.`;
    }
  }
  return undefined;
}

// eslint-disable-next-line no-control-regex -- control characters are among those a segment must not contain
const FORBIDDEN_IN_SEGMENT = /[:*[\]\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Checks a value that will become one segment of a room name (a user id, a team id).
 * @throws AblyChatAuthError `ERR_INVALID_ROOM_SEGMENT` when it is empty or contains `:`, `*`, `[`, `]`,
 * a control character, an invisible or direction-changing character (U+200B...) or a lone
 * surrogate, so a user id in `dms:<id>` can never widen into `dms:*`, reach another namespace or
 * pose as another id.
 */
export function assertRoomSegment(value: unknown, position = 0): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string') {
    throw new AblyChatAuthError(
      'ERR_INVALID_ROOM_SEGMENT',
      `Room segment #${position + 1} must be a string (or an integer); got ${value === null ? 'null' : typeof value}.`,
    );
  }
  if (value.length === 0 || value.trim().length === 0) {
    throw new AblyChatAuthError('ERR_INVALID_ROOM_SEGMENT', `Room segment #${position + 1} is empty; a room built from user data needs a value.`);
  }
  const bad = FORBIDDEN_IN_SEGMENT.exec(value);
  if (bad) {
    const ch = bad[0];
    const label = ch === ':' ? "':'" : ch === '*' ? "'*'" : ch === '[' || ch === ']' ? `'${ch}'` : 'a control character';
    throw new AblyChatAuthError(
      'ERR_INVALID_ROOM_SEGMENT',
      `Room segment #${position + 1} contains ${label}, which would change the room pattern's meaning. Values interpolated into room names must not contain ':', '*', '[', ']' or control characters.`,
    );
  }
  const invisible = invisibleCharacterProblem(value);
  if (invisible) {
    throw new AblyChatAuthError(
      'ERR_INVALID_ROOM_SEGMENT',
      `Room segment #${position + 1} contains ${invisible}, which would let the room pose as another in a chat UI. Remove it (normalise ids before building room names).`,
    );
  }
  return value;
}

/**
 * Tagged template that builds a room pattern from user data safely: every interpolated value must
 * be a single, non-empty segment (no `:`, `*`, `[`, `]` or control characters). Wildcards written
 * in the template itself stay wildcards.
 *
 * @example
 * room`dms:${user.id}:*`      // 'dms:alice:*'
 * room`dms:${'*'}`            // throws ERR_INVALID_ROOM_SEGMENT
 */
export function room(strings: TemplateStringsArray, ...values: Array<string | number>): RoomPattern {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += assertRoomSegment(values[i], i) + strings[i + 1]!;
  return assertRoomPattern(out);
}

// An empty spread (`rooms.namespace(...user.teams)`) must fail loudly: a silent '*' or '' would
// widen the grant to every room or hide the bug until Ably refuses the token.
function segmentsOf(builder: string, segments: ReadonlyArray<string | number>): string[] {
  if (segments.length === 0) {
    throw new AblyChatAuthError(
      'ERR_INVALID_ROOM_SEGMENT',
      `rooms.${builder}() needs at least one segment; got none (was it given an empty array, e.g. rooms.${builder}(...ids)?). For all rooms write '*' (or rooms.all()) explicitly.`,
    );
  }
  return segments.map(assertRoomSegment);
}

/**
 * Builders for room patterns from segments (each checked like {@link room}'s values).
 * @example
 * rooms.exact('dms', a, b)     // 'dms:a:b'
 * rooms.namespace('dms', a)    // 'dms:a:*'
 */
export const rooms = {
  /**
   * One exact room made of the given segments.
   * @throws AblyChatAuthError `ERR_INVALID_ROOM_SEGMENT` when a segment is unsafe or there is none.
   */
  exact(...segments: Array<string | number>): RoomPattern {
    return assertRoomPattern(segmentsOf('exact', segments).join(':'));
  },
  /**
   * Every room below the given segments (`a:b:*`). With no segments it throws rather than
   * returning `'*'`: `rooms.namespace(...ids)` with an empty `ids` must not grant every room.
   * @throws AblyChatAuthError `ERR_INVALID_ROOM_SEGMENT` when a segment is unsafe or there is none.
   */
  namespace(...segments: Array<string | number>): RoomPattern {
    return assertRoomPattern(`${segmentsOf('namespace', segments).join(':')}:*`);
  },
  /** Every room (`*`). */
  all(): RoomPattern {
    return '*';
  },
} as const;
