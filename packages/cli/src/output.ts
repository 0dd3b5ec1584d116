/** Where a command writes, with colour decided once and every known secret masked. */
export interface Output {
  /** True when ANSI colour is on for this stream (a TTY, and `NO_COLOR` unset or empty). */
  readonly color: boolean;
  /** Width of the terminal, when known. */
  readonly columns: number | undefined;
  write(text: string): void;
  line(text?: string): void;
}

export interface WritableTarget {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const REDACTED = '[redacted]';
// Shorter values are not masked: they would mangle ordinary output, and Ably secrets are ~43 characters.
const MIN_SECRET_LENGTH = 8;
const KEY_SHAPE = /^\s*[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+:(\S+?)\s*$/;

// Options whose values are room names, features and the like: never taken for keys.
const VALUE_OPTIONS = new Set(['--room', '--feature', '--grant', '--client-id', '--ttl', '-r', '-f', '-g', '-c', '-t']);

/**
 * Collects the values that must never be printed: the secret half of `ABLY_API_KEY`, of every
 * `--key` value and of any operand shaped like an API key (a key pasted where a token belongs).
 * A `--key` value without a colon is masked whole: it may be a secret pasted alone.
 */
export function collectSecrets(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const raw: string[] = [];
  if (env.ABLY_API_KEY) raw.push(env.ABLY_API_KEY);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if ((arg === '--key' || arg === '-k') && i + 1 < argv.length) raw.push(argv[++i]!);
    else if (arg.startsWith('--key=')) raw.push(arg.slice('--key='.length));
    else if (arg.startsWith('-k') && arg.length > 2) raw.push(arg.slice(2));
    else if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-') && KEY_SHAPE.test(arg)) raw.push(arg);
    else if (arg.startsWith('--') && arg.includes('=') && !VALUE_OPTIONS.has(arg.slice(0, arg.indexOf('=')))) {
      // A misspelt --key=... is echoed by the "unknown option" error.
      const value = arg.slice(arg.indexOf('=') + 1);
      if (KEY_SHAPE.test(value)) raw.push(value);
    }
  }
  const secrets = new Set<string>();
  for (const value of raw) {
    const match = KEY_SHAPE.exec(value);
    const colon = value.indexOf(':');
    const secret = match ? match[1]! : colon >= 0 ? value.slice(colon + 1).trim() : value.trim();
    if (secret.length >= MIN_SECRET_LENGTH) secrets.add(secret);
  }
  // Longest first, so that a secret containing another is masked whole.
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** `NO_COLOR` (https://no-color.org): present and non-empty disables colour. */
export function colorEnabled(target: WritableTarget, env: NodeJS.ProcessEnv): boolean {
  return target.isTTY === true && !env.NO_COLOR;
}

export function createOutput(target: WritableTarget, env: NodeJS.ProcessEnv, secrets: readonly string[]): Output {
  const redact = (text: string): string => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  return {
    color: colorEnabled(target, env),
    columns: target.isTTY && typeof target.columns === 'number' && target.columns > 0 ? target.columns : undefined,
    write(text) {
      target.write(redact(text));
    },
    line(text = '') {
      target.write(`${redact(text)}\n`);
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
