import { escapeTerminalText } from './terminal-text.js';

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

/**
 * Lays out rows in columns separated by two spaces; widths ignore the ANSI codes of painted cells.
 * Every cell's text is escaped for the terminal here, since cells carry values read from tokens.
 */
export function renderTable(rows: ReadonlyArray<ReadonlyArray<Cell | string>>, indent = '  '): string[] {
  const cells = rows.map((row) =>
    row.map((cell): Cell => (typeof cell === 'string' ? { text: escapeTerminalText(cell) } : { ...cell, text: escapeTerminalText(cell.text) })),
  );
  const widths: number[] = [];
  for (const row of cells) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell.text].length)));
  return cells.map(
    (row) =>
      indent +
      row
        .map((cell, i) => {
          const padded = i === row.length - 1 ? cell.text : cell.text + ' '.repeat(widths[i]! - [...cell.text].length);
          return cell.paint ? cell.paint(padded) : padded;
        })
        .join('  ')
        .trimEnd(),
  );
}

/** Width of the widest line of a rendered table, without ANSI codes. */
export function tableWidth(lines: readonly string[]): number {
  // eslint-disable-next-line no-control-regex
  return Math.max(0, ...lines.map((line) => [...line.replace(/\u001b\[[0-9;]*m/g, '')].length));
}
