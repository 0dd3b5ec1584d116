/**
 * Characters a terminal acts on instead of showing, or that show as nothing: C0 controls (ESC
 * starts the sequences that move the cursor, clear lines and recolour text), DEL, C1 controls
 * (U+009B is a one-byte CSI), the Unicode line and paragraph separators (U+2028, U+2029), and two
 * whole Unicode classes by V8's regex property escapes (the `u` flag): Bidi_Control (U+061C,
 * U+200E/F, U+202A-U+202E, U+2066-U+2069), which reorders what is displayed, and
 * Default_Ignorable_Code_Point (zero-width characters, U+FEFF, the soft hyphen U+00AD, U+034F,
 * Hangul fillers such as U+3164, tag characters U+E0000-U+E007F, variation selectors...), which
 * hides text: core refuses them in names, and a forged token must not slip them past a reader.
 * Lone surrogates are shown escaped too (they are not characters).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Bidi_Control}\p{Default_Ignorable_Code_Point}\p{Cs}]/gu;
// Whether a text holds any of them: most text holds none and is returned as it is, without a copy.
// eslint-disable-next-line no-control-regex
const HAS_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Bidi_Control}\p{Default_Ignorable_Code_Point}\p{Cs}]/u;
// The same, plus the colour sequences `Styles` writes (SGR: ESC [ digits m), matched first so they can be kept.
// eslint-disable-next-line no-control-regex
const UNSAFE_OR_SGR = /\u001b\[[0-9;]*m|[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Bidi_Control}\p{Default_Ignorable_Code_Point}\p{Cs}]/gu;

/** `\u202e`; an astral character (a tag character) is two UTF-16 units, so two escapes: `\udb40\udc41`. */
function unicodeEscape(character: string): string {
  let escaped = '';
  for (let i = 0; i < character.length; i++) escaped += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export interface EscapeOptions {
  /** Keep `\n` as a line break (for whole lines of output; never for a value read from a token). */
  keepLineBreaks?: boolean;
  /** Keep SGR colour sequences (for output painted by `Styles`, on a terminal with colour on). */
  keepColors?: boolean;
}

/** True when {@link escapeTerminalText} would change the text: one native scan, for checking many texts joined at once. */
export function needsTerminalEscape(text: string): boolean {
  return HAS_UNSAFE.test(text);
}

/**
 * The one place that makes text safe to show on a terminal: every character a terminal would act on
 * (see `UNSAFE` above) is written as a visible escape, `\u001b`, `\u202e` (or `\n`, `\r`, `\t`), so a
 * forged token cannot move the cursor, rewrite earlier lines or reorder what is shown. The escapes
 * are JSON escapes too, so applying this to `JSON.stringify` output (with `keepLineBreaks`) leaves
 * a document that parses to the very same values.
 *
 * @example
 * escapeTerminalText('app.key\u001b[2K\rsignature verified'); // 'app.key\\u001b[2K\\rsignature verified'
 */
export function escapeTerminalText(text: string, { keepLineBreaks = false, keepColors = false }: EscapeOptions = {}): string {
  // An SGR sequence starts with ESC, itself unsafe: text without unsafe characters needs nothing.
  if (!HAS_UNSAFE.test(text)) return text;
  return text.replace(keepColors ? UNSAFE_OR_SGR : UNSAFE, (match) => {
    if (match.length > 2) return match; // an SGR sequence, only matched with keepColors
    if (keepLineBreaks && match === '\n') return match;
    return SHORT[match] ?? unicodeEscape(match);
  });
}
