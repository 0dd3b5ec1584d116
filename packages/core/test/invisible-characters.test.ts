import { failureOf } from '@ably-chat-auth/adapter-contract/testing';
import { expect } from '@jest/globals';
import fc from 'fast-check';
import { assertClientId, assertRoomPattern, compileGrants, createTokenIssuer, isRoomPattern, room, rooms, type AblyChatAuthErrorCode } from '../src/index';
import { TEST_KEY } from './helpers';

const failure = failureOf;

const NAMED: Array<[number, string]> = [
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x2060, 'WORD JOINER'],
  [0x2061, 'FUNCTION APPLICATION'],
  [0x2062, 'INVISIBLE TIMES'],
  [0x2063, 'INVISIBLE SEPARATOR'],
  [0x2064, 'INVISIBLE PLUS'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
];
const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

// Every place a name shown to chat users is checked, with the code it fails with.
const CHECKS: Array<[string, (value: string) => unknown, AblyChatAuthErrorCode]> = [
  ['assertClientId', (v) => assertClientId(v), 'ERR_INVALID_CLIENT_ID'],
  ['the room tag', (v) => room`dms:${v}:*`, 'ERR_INVALID_ROOM_SEGMENT'],
  ['rooms.exact', (v) => rooms.exact('dms', v), 'ERR_INVALID_ROOM_SEGMENT'],
  ['rooms.namespace', (v) => rooms.namespace(v), 'ERR_INVALID_ROOM_SEGMENT'],
  ['assertRoomPattern', (v) => assertRoomPattern(v), 'ERR_INVALID_ROOM_PATTERN'],
  ['compileGrants', (v) => compileGrants({ [v]: 'send' }), 'ERR_INVALID_ROOM_PATTERN'],
];

describe('invisible and direction-changing characters', () => {
  describe.each(CHECKS)('%s', (_label, check, code) => {
    it.each(NAMED.map(([codePoint, name]) => [hex(codePoint), name, codePoint] as const))(
      'refuses %s %s, naming it and its position',
      (_hex, name, codePoint) => {
        const result = failure(() => check(`adm${String.fromCodePoint(codePoint)}in`));
        expect(result?.code).toBe(code);
        expect(result?.message).toContain(`${hex(codePoint)} ${name} at position 3`);
      },
    );

    it.each([
      ['\ud800', 'U+D800', 0],
      ['ab\udfff', 'U+DFFF', 2],
      ['a\ud83db', 'U+D83D', 1],
      ['😀\ude00', 'U+DE00', 2],
    ])('refuses the lone surrogate in %j', (value, shown, position) => {
      const result = failure(() => check(value));
      expect(result?.code).toBe(code);
      expect(result?.message).toContain(`lone surrogate ${shown} at position ${position}`);
    });

    it.each(['alice', 'ünïcode', '日本語', '😀', 'a😀b', '𝒳-42', 'Ελένη', 'עברית'])('accepts %j', (value) => {
      expect(failure(() => check(value))).toBeUndefined();
    });
  });

  describe.each(CHECKS)('%s, whole Unicode classes', (_label, check, code) => {
    // Characters no list of examples named: soft hyphen, combining grapheme joiner, a tag
    // character, the Hangul filler, the Arabic letter mark, a variation selector.
    it.each([
      [0x00ad, 'U+00AD SOFT HYPHEN', 'Default_Ignorable_Code_Point'],
      [0x034f, 'U+034F COMBINING GRAPHEME JOINER', 'Default_Ignorable_Code_Point'],
      [0xe0041, 'U+E0041 a tag character', 'Default_Ignorable_Code_Point'],
      [0x3164, 'U+3164 HANGUL FILLER', 'Default_Ignorable_Code_Point'],
      [0x061c, 'U+061C ARABIC LETTER MARK', 'Bidi_Control'],
      [0xfe0f, 'U+FE0F', 'Default_Ignorable_Code_Point'],
    ])('refuses U+%s in the middle', (codePoint, shown, kind) => {
      const result = failure(() => check(`ad${String.fromCodePoint(codePoint)}min`));
      expect(result?.code).toBe(code);
      expect(result?.message).toContain(`${shown} at position 2, an invisible or direction-changing character (Unicode ${kind})`);
    });

    it.each([
      ['admin ', 'trailing white space (U+0020 SPACE at position 5)'],
      [' admin', 'leading white space (U+0020 SPACE at position 0)'],
      ['admin\u3000', 'trailing white space (U+3000 IDEOGRAPHIC SPACE at position 5)'],
      ['\u00a0admin', 'leading white space (U+00A0 NO-BREAK SPACE at position 0)'],
    ])('refuses %j', (value, shown) => {
      const result = failure(() => check(value));
      expect(result?.code).toBe(code);
      expect(result?.message).toContain(shown);
    });

    it('accepts white space inside a name', () => {
      expect(failure(() => check('Alice Smith'))).toBeUndefined();
    });
  });

  it.each(['dms: alice:*', 'dms:alice :*', 'team:\u00a0x'])('refuses white space at the ends of a pattern segment: %j', (pattern) => {
    expect(failure(() => assertRoomPattern(pattern))).toMatchObject({
      code: 'ERR_INVALID_ROOM_PATTERN',
      message: expect.stringContaining('white space at the start or end of segment #2'),
    });
  });

  it('refuses such a clientId when issuing', async () => {
    const issuer = createTokenIssuer({ apiKey: TEST_KEY });
    await expect(issuer.issue({ clientId: 'adm\u200bin', grants: { lobby: 'all' } })).rejects.toMatchObject({
      code: 'ERR_INVALID_CLIENT_ID',
      message: expect.stringContaining('U+200B ZERO WIDTH SPACE at position 3'),
    });
  });

  it('property: a string is accepted exactly when it is well formed and has no character of the refused classes', () => {
    // The specification is the Unicode classes themselves (Default_Ignorable_Code_Point,
    // Bidi_Control, lone surrogates); this checks every entry point applies them, and nothing else.
    const refused = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]|\p{Cs}/u;
    const unit = fc.oneof(
      { weight: 6, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.constantFrom(...NAMED.map(([c]) => String.fromCodePoint(c))) },
      { weight: 1, arbitrary: fc.constantFrom('\u00ad', '\u034f', '\u{e0041}', '\u3164', '\u061c', '\ufe0f', '\u180e', '\u{1d173}') },
      { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
    );
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 8 }), (parts) => {
        const value = parts.join('');
        // Only what this rule is about: leave out what other rules refuse.
        // eslint-disable-next-line no-control-regex -- leaves out control characters: other rules refuse them
        fc.pre(!/[\u0000-\u001f\u007f-\u009f\u2028\u2029:*[\]]/.test(value) && value.trim() === value && value.length > 0);
        const bad = refused.test(value);
        expect(failure(() => assertClientId(value)) !== undefined).toBe(bad);
        expect(failure(() => rooms.exact(value)) !== undefined).toBe(bad);
        expect(isRoomPattern(value)).toBe(!bad);
      }),
      { numRuns: 2000 },
    );
  });
});
