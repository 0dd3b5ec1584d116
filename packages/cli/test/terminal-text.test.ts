import fc from 'fast-check';
import { escapeTerminalText } from '../src/terminal-text';
import { UNSAFE_CHARACTER } from './helpers';

// Every character the CLI promises to escape, one range per class.
const RANGES: Array<[string, number, number]> = [
  ['C0', 0x00, 0x1f],
  ['DEL and C1', 0x7f, 0x9f],
  ['Arabic letter mark', 0x61c, 0x61c],
  ['zero-width and LRM/RLM', 0x200b, 0x200f],
  ['line/paragraph separators and bidi embeddings', 0x2028, 0x202e],
  ['invisible operators', 0x2060, 0x2064],
  ['bidi isolates', 0x2066, 0x2069],
  ['byte order mark', 0xfeff, 0xfeff],
];
const UNSAFE_CODES = RANGES.flatMap(([, from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));

describe('escapeTerminalText', () => {
  it.each(RANGES)('escapes every %s character as a visible escape', (_name, from, to) => {
    for (let code = from; code <= to; code++) {
      const escaped = escapeTerminalText(`a${String.fromCharCode(code)}b`);
      expect(escaped).not.toMatch(UNSAFE_CHARACTER);
      expect(escaped).toMatch(/^a\\(u[0-9a-f]{4}|[nrt])b$/);
    }
  });

  it('shows ESC as \\u001b and line breaks as \\n, so a forged field cannot draw a line of its own', () => {
    expect(escapeTerminalText('app.key\u001b[2K\r\nSignature  signature verified')).toBe('app.key\\u001b[2K\\r\\nSignature  signature verified');
    expect(escapeTerminalText('\u202eevil\u2066\u200b\ufeff\u009b')).toBe('\\u202eevil\\u2066\\u200b\\ufeff\\u009b');
  });

  it.each([
    ['U+00AD soft hyphen', 'ad\u00admin', 'ad\\u00admin'],
    ['U+034F combining grapheme joiner', 'ad\u034fmin', 'ad\\u034fmin'],
    ['U+E0041 tag character (two UTF-16 units, two escapes)', 'ad\u{e0041}min', 'ad\\udb40\\udc41min'],
    ['U+3164 Hangul filler', '\u3164', '\\u3164'],
    ['U+061C Arabic letter mark', 'a\u061cb', 'a\\u061cb'],
    ['U+FE0F variation selector', 'a\ufe0f', 'a\\ufe0f'],
    ['a lone surrogate', 'a\ud800b', 'a\\ud800b'],
  ])('escapes %s, as core refuses it in names', (_name, text, shown) => {
    expect(escapeTerminalText(text)).toBe(shown);
  });

  it('property: every Default_Ignorable_Code_Point and Bidi_Control character is escaped, whatever plane', () => {
    const refused = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/u;
    const character = fc.integer({ min: 0, max: 0x10ffff }).filter((c) => (c < 0xd800 || c > 0xdfff) && refused.test(String.fromCodePoint(c)));
    fc.assert(
      fc.property(character, (code) => {
        const escaped = escapeTerminalText(`x${String.fromCodePoint(code)}y`);
        expect(escaped).not.toMatch(UNSAFE_CHARACTER);
        expect(JSON.parse(`"${escaped}"`)).toBe(`x${String.fromCodePoint(code)}y`);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves printable text alone, non-ASCII included', () => {
    for (const text of ['dms:alice:*', 'Zoë ✓ · 東京 🎉', 'odd=name', 'it\'s "quoted" \\ back']) expect(escapeTerminalText(text)).toBe(text);
  });

  it('keeps line breaks and colour codes only when asked, and never another escape sequence', () => {
    const painted = '\u001b[32mok\u001b[39m\n\u001b[2Kgone\u001b]0;title\u0007';
    expect(escapeTerminalText(painted, { keepLineBreaks: true, keepColors: true })).toBe('\u001b[32mok\u001b[39m\n\\u001b[2Kgone\\u001b]0;title\\u0007');
    expect(escapeTerminalText(painted, { keepLineBreaks: true })).toBe('\\u001b[32mok\\u001b[39m\n\\u001b[2Kgone\\u001b]0;title\\u0007');
  });

  it('turns JSON.stringify output into JSON that parses to the very same values, with no raw control character', () => {
    const unsafe = fc.constantFrom(...UNSAFE_CODES.map((code) => String.fromCharCode(code)));
    const text = fc.array(fc.oneof(fc.string(), unsafe), { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.dictionary(text, fc.oneof(text, fc.array(text), fc.integer())), (value) => {
        const escaped = escapeTerminalText(JSON.stringify(value, null, 2), { keepLineBreaks: true });
        expect(escaped).not.toMatch(UNSAFE_CHARACTER);
        expect(JSON.parse(escaped)).toEqual(value);
      }),
    );
  });
});
