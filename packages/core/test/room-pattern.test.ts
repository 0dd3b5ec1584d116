import fc from 'fast-check';
import { assertRoomPattern, assertRoomSegment, isRoomPattern, room, rooms, resourceMatches, MAX_ROOM_PATTERN_LENGTH, isAblyChatAuthError } from '../src/index';

describe('room patterns', () => {
  it.each(['my-chat-room', 'dms:*', '*', 'team:*:general', 'dms:alice:*', 'a:b:c', 'room with spaces', 'ünïcode-room', 'x'])('accepts %s', (pattern) => {
    expect(assertRoomPattern(pattern)).toBe(pattern);
  });

  it.each([
    ['foo*', /Did you mean "foo:\*"\?/],
    ['dms:ali*', /Did you mean "dms:ali:\*"\?/],
    ['dms:*x', /inside a segment/],
    ['', /must not be empty/],
    [':room', /empty segment/],
    ['room:', /empty segment/],
    ['a::b', /empty segment/],
    ['[chat]lobby', /qualifier/],
    ['[*]*', /qualifier/],
    ['a[b]', /reserves for qualifiers/],
    ['line\nbreak', /control character/],
    [' padded', /white space/],
    ['x'.repeat(MAX_ROOM_PATTERN_LENGTH + 1), /the limit is 200/],
  ])('rejects %j with an actionable message', (pattern, message) => {
    expect(() => assertRoomPattern(pattern)).toThrow(message);
    expect(isRoomPattern(pattern)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(() => assertRoomPattern(42)).toThrow(/must be a string/);
  });
});

describe('room template and builders', () => {
  it('interpolates safe values', () => {
    expect(room`dms:${'alice'}:*`).toBe('dms:alice:*');
    expect(room`team:${42}:general`).toBe('team:42:general');
    expect(rooms.exact('dms', 'alice', 'bob')).toBe('dms:alice:bob');
    expect(rooms.namespace('dms', 'alice')).toBe('dms:alice:*');
    expect(rooms.all()).toBe('*');
  });

  it.each(['*', 'a:b', '', '   ', '[meta]', 'x]', 'tab\there', 'nul\u0000'])('refuses interpolating %j', (value) => {
    let caught: unknown;
    try {
      void room`dms:${value}`;
    } catch (error) {
      caught = error;
    }
    expect(isAblyChatAuthError(caught, 'ERR_INVALID_ROOM_SEGMENT')).toBe(true);
  });

  it.each([
    ['namespace', () => rooms.namespace(...([] as string[]))],
    ['exact', () => rooms.exact(...([] as string[]))],
  ])('rooms.%s() with no segments throws rather than widening to all rooms', (_name, build) => {
    let caught: unknown;
    try {
      build();
    } catch (error) {
      caught = error;
    }
    expect(isAblyChatAuthError(caught, 'ERR_INVALID_ROOM_SEGMENT')).toBe(true);
    expect((caught as Error).message).toMatch(/needs at least one segment/);
    expect((caught as Error).message).toMatch(/'\*'/);
  });

  it('property: a builder never yields a pattern wider than its segments', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }), (segments) => {
        for (const build of [(...s: string[]) => rooms.exact(...s), (...s: string[]) => rooms.namespace(...s)]) {
          let built: string;
          try {
            built = build(...segments);
          } catch (error) {
            expect(isAblyChatAuthError(error, 'ERR_INVALID_ROOM_SEGMENT') || isAblyChatAuthError(error, 'ERR_INVALID_ROOM_PATTERN')).toBe(true);
            continue;
          }
          expect(segments.length).toBeGreaterThan(0);
          expect(built.split(':').slice(0, segments.length)).toEqual(segments);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses non-string, non-integer values', () => {
    expect(() => room`dms:${{} as never}`).toThrow(/must be a string/);
    expect(() => assertRoomSegment(1.5)).toThrow(/must be a string/);
  });

  it('property: an interpolated value can never widen the pattern', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
        let built: string;
        try {
          built = room`dms:${a}:${b}`;
        } catch (error) {
          expect(isAblyChatAuthError(error)).toBe(true);
          return;
        }
        // Whatever got through is exactly one exact room with three literal segments.
        expect(built.split(':')).toEqual(['dms', a, b]);
        expect(built.includes('*')).toBe(false);
        expect(resourceMatches(built, `dms:${a}:${b}`)).toBe(true);
        expect(resourceMatches(built, `dms:${a}:${b}x`)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: every accepted pattern has only non-empty segments, each literal or a whole *', () => {
    const segment = fc.oneof(fc.constant('*'), fc.string({ minLength: 0, maxLength: 6 }), fc.constantFrom('a*', '*b', 'a', 'b'));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const pattern = segments.join(':');
        if (isRoomPattern(pattern)) {
          for (const s of pattern.split(':')) {
            expect(s.length).toBeGreaterThan(0);
            expect(s === '*' || !s.includes('*')).toBe(true);
          }
        } else {
          expect(() => assertRoomPattern(pattern)).toThrow();
        }
      }),
      { numRuns: 2000 },
    );
  });
});
