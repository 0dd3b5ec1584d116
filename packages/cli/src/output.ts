import type { SecretRedactor } from './redaction.js';
import { escapeTerminalText } from './terminal-text.js';

/**
 * Where a command writes, with colour decided once. Everything written passes two last guards:
 * characters a terminal would act on are escaped (only line breaks, and colour codes when colour is
 * on, pass), and every run of a known secret is redacted.
 */
export interface Output {
  /** True when ANSI colour is on for this stream (a TTY, and `NO_COLOR` unset or empty). */
  readonly color: boolean;
  /** Width of the terminal, when known. */
  readonly columns: number | undefined;
  write(text: string): void;
  line(text?: string): void;
  /** Each text on its own line, guarded and written at once (a table of thousands of rooms). */
  lines(texts: readonly string[]): void;
}

export interface WritableTarget {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** `NO_COLOR` (https://no-color.org): present and non-empty disables colour. */
export function colorEnabled(target: WritableTarget, env: NodeJS.ProcessEnv): boolean {
  return target.isTTY === true && !env.NO_COLOR;
}

export function createOutput(target: WritableTarget, env: NodeJS.ProcessEnv, redactor: SecretRedactor): Output {
  const color = colorEnabled(target, env);
  // Commands escape each value they print (a value's own line breaks included); this catches the rest.
  const guard = (text: string): string => redactor.redact(escapeTerminalText(text, { keepLineBreaks: true, keepColors: color }));
  return {
    color,
    columns: target.isTTY && typeof target.columns === 'number' && target.columns > 0 ? target.columns : undefined,
    write(text) {
      target.write(guard(text));
    },
    line(text = '') {
      target.write(`${guard(text)}\n`);
    },
    lines(texts) {
      if (texts.length > 0) target.write(`${guard(texts.join('\n'))}\n`);
    },
  };
}

type Paint = (text: string) => string;

/** ANSI styles, or identity functions when colour is off. */
export interface Styles {
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
}

const ansi =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

export function createStyles(color: boolean): Styles {
  if (!color) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), green: ansi(32, 39), yellow: ansi(33, 39), cyan: ansi(36, 39) };
}
