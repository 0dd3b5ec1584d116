// Characters that render as nothing or reorder the text around them. In a clientId or a room name
// they let `adm\u200bin` pose as `admin` in a chat UI, so they are refused wherever such names are
// checked. Lone surrogates are refused too: they are not characters, and JSON and UTF-8 encoders
// replace them, so two different names could reach Ably as the same one.
const NAMES: Readonly<Record<number, string>> = {
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
};

// With the `u` flag a surrogate pair is one code point, so \p{Cs} matches only lone halves.
const INVISIBLE = /[\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

/**
 * Describes the first invisible or direction-changing character (or lone surrogate) in `value`,
 * e.g. `'U+200B ZERO WIDTH SPACE at position 3'` (position = string index), or undefined when
 * there is none. Emoji and other astral characters (valid surrogate pairs) pass.
 */
export function invisibleCharacterProblem(value: string): string | undefined {
  const match = INVISIBLE.exec(value);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES[code];
  return name !== undefined
    ? `${hex} ${name} at position ${match.index}, an invisible or direction-changing character`
    : `a lone surrogate ${hex} at position ${match.index} (half of a UTF-16 pair, not a character)`;
}
