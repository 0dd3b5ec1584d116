/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts the sequences that
 * move the cursor, clear lines and recolour text), DEL, C1 controls (U+009B is a one-byte CSI),
 * the bidirectional controls that reorder what is displayed (U+061C, U+200E/F, U+202A-U+202E,
 * U+2066-U+2069), the zero-width characters that hide text (U+200B-U+200D, U+2060-U+2064,
 * U+FEFF) and the Unicode line and paragraph separators (U+2028, U+2029).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// The same, plus the colour sequences `Styles` writes (SGR: ESC [ digits m), matched first so they can be kept.
// eslint-disable-next-line no-control-regex
const UNSAFE_OR_SGR = /\u001b\[[0-9;]*m|[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export interface EscapeOptions {
  /** Keep `\n` as a line break (for whole lines of output; never for a value read from a token). */
  keepLineBreaks?: boolean;
  /** Keep SGR colour sequences (for output painted by `Styles`, on a terminal with colour on). */
  keepColors?: boolean;
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
  return text.replace(keepColors ? UNSAFE_OR_SGR : UNSAFE, (match) => {
    if (match.length > 1) return match; // an SGR sequence, only matched with keepColors
    if (keepLineBreaks && match === '\n') return match;
    return SHORT[match] ?? `\\u${match.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
