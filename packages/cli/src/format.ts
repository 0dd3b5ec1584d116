import { escapeTerminalText, needsTerminalEscape } from './terminal-text.js';

/** `95_000` -> `'1 min'`; `3_570_000` -> `'59 min'`; `7_200_000` -> `'2 h'`. Always rounds down. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.floor(Math.abs(milliseconds) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

/** `'in 59 min'` or `'3 min ago'`. */
export function relativeTime(at: number, now: number): string {
  return at > now ? `in ${formatDuration(at - now)}` : `${formatDuration(now - at)} ago`;
}

/** `'in 59 min'` or `'expired 3 min ago'`. A token is expired from its `exp` second on, as jsonwebtoken and Ably judge. */
export function relativeExpiry(expiresAt: number, now: number): string {
  return expiresAt > now ? `in ${formatDuration(expiresAt - now)}` : `expired ${formatDuration(now - expiresAt)} ago`;
}

/** What a claim that cannot be a date shows instead of one, in text and in `--json`. */
export const INVALID_DATE = 'invalid date';

/** A time claim (`iat`, `exp`) as found in a token. */
export type ClaimTime = { kind: 'missing' } | { kind: 'invalid'; raw: unknown } | { kind: 'valid'; at: number };

/**
 * Reads a NumericDate claim (seconds) without trusting it: a forged `iat` of 1e20, -1e20 or "NaN"
 * is `invalid`, since `Date#toISOString()` throws beyond ±8.64e15 ms.
 */
export function readClaimTime(raw: unknown): ClaimTime {
  if (raw === undefined) return { kind: 'missing' };
  if (typeof raw !== 'number' || !Number.isFinite(raw * 1000) || Number.isNaN(new Date(raw * 1000).getTime())) return { kind: 'invalid', raw };
  return { kind: 'valid', at: raw * 1000 };
}

/** ISO 8601 in UTC, null when the claim is missing, {@link INVALID_DATE} when it is no date. */
export function isoTime(at: number | undefined): string | null {
  if (at === undefined) return null;
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? INVALID_DATE : date.toISOString();
}

/** {@link isoTime} of a claim read by {@link readClaimTime}. */
export function claimIsoTime(time: ClaimTime): string | null {
  return time.kind === 'missing' ? null : time.kind === 'invalid' ? INVALID_DATE : isoTime(time.at);
}

/** A cell: its plain text (for widths) and how to paint it. */
export interface Cell {
  text: string;
  paint?: (text: string) => string;
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * How many columns a text takes: its code points (a surrogate pair is one character, as `[...text]`
 * counts), without making an array of them for every cell of a table of thousands of rooms. Most
 * text has no surrogate, which one regex test (native code) tells: the CLI runs once per process,
 * so its loops run cold, and a loop over every character of a table costs milliseconds.
 */
export function displayWidth(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let width = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        width--;
        i++;
      }
    }
  }
  return width;
}

/**
 * Lays out rows in columns separated by two spaces; widths ignore the ANSI codes of painted cells.
 * Every cell's text is escaped for the terminal here, since cells carry values read from tokens.
 * The checks for characters to escape and for surrogate pairs run once over all the cells
 * together (native scans): a table of a thousand rooms has thousands of cells, and the cells that
 * need either are rare.
 */
export function renderTable(rows: ReadonlyArray<ReadonlyArray<Cell | string>>, indent = '  '): string[] {
  let texts = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? cell : cell.text)));
  // A space joins the cells: it is neither escaped nor a surrogate, so it adds no match.
  let all = texts.map((row) => row.join(' ')).join(' ');
  if (needsTerminalEscape(all)) {
    texts = texts.map((row) => row.map((text) => escapeTerminalText(text)));
    all = texts.map((row) => row.join(' ')).join(' ');
  }
  const widthOf = SURROGATE.test(all) ? displayWidth : (text: string) => text.length;
  const cellWidths = texts.map((row) => row.map(widthOf));
  const widths: number[] = [];
  for (const row of cellWidths) for (let i = 0; i < row.length; i++) widths[i] = Math.max(widths[i] ?? 0, row[i]!);
  return rows.map((row, r) => {
    const rowTexts = texts[r]!;
    let line = indent;
    for (let i = 0; i < row.length; i++) {
      const cell = row[i]!;
      const padded = i === row.length - 1 ? rowTexts[i]! : rowTexts[i]! + ' '.repeat(widths[i]! - cellWidths[r]![i]!);
      const paint = typeof cell === 'string' ? undefined : cell.paint;
      line += (i === 0 ? '' : '  ') + (paint ? paint(padded) : padded);
    }
    return line.trimEnd();
  });
}

/** Width of the widest line of a rendered table, without ANSI codes. */
export function tableWidth(lines: readonly string[]): number {
  let widest = 0;
  // eslint-disable-next-line no-control-regex
  for (const line of lines) widest = Math.max(widest, displayWidth(line.replace(/\u001b\[[0-9;]*m/g, '')));
  return widest;
}
