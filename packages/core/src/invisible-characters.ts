// Characters that render as nothing or reorder the text around them. In a clientId or a room name
// they let `adm\u200bin` (or `ad\u00ADmin`, or `admin ` with a trailing space) pose as `admin` in a
// chat UI, so they are refused wherever such names are checked. Whole Unicode classes, not a list
// of examples: every Default_Ignorable_Code_Point (soft hyphen, combining grapheme joiner, Hangul
// fillers, tag characters, variation selectors, zero-width characters...) and every Bidi_Control
// character, matched with V8's regex property escapes (\p{...} with the `u` flag), so the sets
// follow the Unicode version of the runtime. Lone surrogates are refused too: they are not
// characters, and JSON and UTF-8 encoders replace them, so two different names could reach Ably as
// the same one. Leading and trailing white space (\p{White_Space}) is invisible as well.
const NAMES: Readonly<Record<number, string>> = {
  0x00ad: 'SOFT HYPHEN',
  0x034f: 'COMBINING GRAPHEME JOINER',
  0x061c: 'ARABIC LETTER MARK',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x3164: 'HANGUL FILLER',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
  0x0020: 'SPACE',
  0x0009: 'CHARACTER TABULATION',
  0x00a0: 'NO-BREAK SPACE',
  0x3000: 'IDEOGRAPHIC SPACE',
};

// With the `u` flag a surrogate pair is one code point, so \p{Cs} matches only lone halves.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]|\p{Cs}/u;
const EDGE_SPACE = /^\p{White_Space}|\p{White_Space}$/u;
// What a display name (a user claim's text) must not hold: control characters (C0, DEL, C1) and
// the bidi controls that reorder the text around them, even beyond the name (an unclosed U+202E).
const DISPLAY_UNSAFE = /[\p{Cc}\p{Bidi_Control}]/u;

function describeCharacter(character: string): string {
  const code = character.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES[code] ?? (code >= 0xe0000 && code <= 0xe007f ? 'a tag character' : undefined);
  return name === undefined ? hex : `${hex} ${name}`;
}

/**
 * Describes the first invisible or direction-changing character (or lone surrogate, or white space
 * at either end) in `value`, e.g. `'U+200B ZERO WIDTH SPACE at position 3, an invisible or
 * direction-changing character'` (position = string index), or undefined when there is none.
 * Emoji and other astral characters (valid surrogate pairs) pass.
 */
export function invisibleCharacterProblem(value: string): string | undefined {
  const match = INVISIBLE.exec(value);
  if (match) {
    if (/^\p{Cs}$/u.test(match[0])) {
      return `a lone surrogate ${describeCharacter(match[0])} at position ${match.index} (half of a UTF-16 pair, not a character)`;
    }
    const kind = /\p{Bidi_Control}/u.test(match[0]) ? 'Bidi_Control' : 'Default_Ignorable_Code_Point';
    return `${describeCharacter(match[0])} at position ${match.index}, an invisible or direction-changing character (Unicode ${kind})`;
  }
  const edge = EDGE_SPACE.exec(value);
  if (edge) return `${edge.index === 0 ? 'leading' : 'trailing'} white space (${describeCharacter(edge[0])} at position ${edge.index})`;
  return undefined;
}

/**
 * Describes the first control character or bidi control in text other users are shown (a display
 * name in a user claim), e.g. `'U+202E RIGHT-TO-LEFT OVERRIDE at position 5, a control or
 * direction-changing character'`, or undefined when there is none.
 */
export function displayTextProblem(value: string): string | undefined {
  const match = DISPLAY_UNSAFE.exec(value);
  if (!match) return undefined;
  return `${describeCharacter(match[0])} at position ${match.index}, a control or direction-changing character`;
}
