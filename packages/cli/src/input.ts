import { AblyApiKey, type GrantItem } from '@ably-chat-auth/core';
import type { CommandContext } from './context.js';
import { CliUsageError } from './exit-codes.js';
import { addKeyLikeSecrets } from './secrets.js';

/** Where the API key came from, as named in messages. */
export type KeySource = '--key' | 'ABLY_API_KEY';

export interface ResolvedKey {
  /** The raw value: pass it to core only; never print it. */
  readonly raw: string;
  readonly key: AblyApiKey;
  readonly source: KeySource;
}

/**
 * The API key from `--key`, else from `ABLY_API_KEY`, parsed by core (whose errors never contain
 * the value). Returns undefined when neither is set; an empty `ABLY_API_KEY` counts as unset.
 * @throws AblyChatAuthError `ERR_INVALID_API_KEY` when the value is malformed.
 */
export function readApiKey(option: string | undefined, env: NodeJS.ProcessEnv): ResolvedKey | undefined {
  if (option !== undefined) return { raw: option, key: AblyApiKey.parse(option, '--key'), source: '--key' };
  const fromEnv = env.ABLY_API_KEY;
  if (fromEnv === undefined || fromEnv === '') return undefined;
  return { raw: fromEnv, key: AblyApiKey.parse(fromEnv, 'ABLY_API_KEY'), source: 'ABLY_API_KEY' };
}

/** Like {@link readApiKey}, for commands that cannot work without a key. */
export function requireApiKey(option: string | undefined, env: NodeJS.ProcessEnv): ResolvedKey {
  const key = readApiKey(option, env);
  if (!key) throw new CliUsageError("No API key: set ABLY_API_KEY or pass --key 'appId.keyId:secret' (copy it from the API Keys tab of your Ably app).");
  return key;
}

/**
 * The most the CLI reads as a token, on stdin or the command line: 128 KiB, the most ably-js
 * accepts, so nothing larger can be an Ably token. It bounds the work of every later step.
 */
export const MAX_TOKEN_INPUT_BYTES = 128 * 1024;

/**
 * How deep arrays and objects may nest in a token's header or payload. An Ably token nests one
 * level (its claims); the decoders and printers down the line recurse into what they are given,
 * so a forged `iat` nested 20,000 levels deep would end in a stack overflow.
 */
export const MAX_TOKEN_JSON_DEPTH = 32;

function tooLarge(from: 'argument' | 'stdin'): CliUsageError {
  return new CliUsageError(
    `The token ${from === 'stdin' ? 'on stdin' : 'given on the command line'} is larger than ${MAX_TOKEN_INPUT_BYTES / 1024} KiB (${MAX_TOKEN_INPUT_BYTES} bytes), the most the CLI reads: ably-js refuses larger tokens, so this is no Ably token.`,
  );
}

/** Reads stdin as text, stopping with an error as soon as it holds more than `limit` bytes. */
export async function readStream(stream: AsyncIterable<Buffer | string>, limit = MAX_TOKEN_INPUT_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    // Leaving the loop destroys the stream: the rest is never read.
    if (size > limit) throw tooLarge('stdin');
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * How deep arrays and objects nest in a JSON text, counting at most to `stop` (brackets inside
 * strings do not count). One pass, no recursion; the text need not be valid JSON. A string is
 * skipped with indexOf to its closing quote (the first one not escaped by an odd run of
 * backslashes) rather than character by character: a token's payload is mostly strings (the
 * capability is one), and this runs on every token the CLI reads.
 */
export function jsonDepth(text: string, stop = Infinity): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i < 0) return deepest; // an unterminated string runs to the end
        let backslashes = 0;
        while (text.charCodeAt(i - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > deepest && (deepest = depth) >= stop) return deepest;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return deepest;
}

/** Refuses a token whose header or payload nests deeper than {@link MAX_TOKEN_JSON_DEPTH} (see there). */
function assertShallow(token: string): void {
  const parts = token.split('.');
  if (parts.length !== 3) return; // core says what is wrong with it
  for (const [index, name] of [
    [0, 'header'],
    [1, 'payload'],
  ] as const) {
    const depth = jsonDepth(Buffer.from(parts[index]!, 'base64url').toString('utf8'), MAX_TOKEN_JSON_DEPTH + 1);
    if (depth > MAX_TOKEN_JSON_DEPTH) {
      throw new CliUsageError(
        `The token's ${name} nests arrays or objects more than ${MAX_TOKEN_JSON_DEPTH} levels deep; an Ably token nests one or two, so this is no Ably token (the CLI stops there rather than recurse into it).`,
      );
    }
  }
}

/**
 * Normalises what the user gave as a token: trims it, drops a leading `Bearer `, and accepts a
 * TokenDetails JSON object (`{"token": "<jwt>", ...}`, what a token route answers with
 * `responseFormat: 'token-details'`). Refuses input over {@link MAX_TOKEN_INPUT_BYTES} and a token
 * nested deeper than {@link MAX_TOKEN_JSON_DEPTH}, with a usage error.
 */
export function normaliseToken(input: string, from: 'argument' | 'stdin'): string {
  if (input.length > MAX_TOKEN_INPUT_BYTES || Buffer.byteLength(input, 'utf8') > MAX_TOKEN_INPUT_BYTES) throw tooLarge(from);
  let token = input.trim();
  // Only the first 7 characters are lower-cased: the token may be 128 KiB.
  if (token.slice(0, 'bearer '.length).toLowerCase() === 'bearer ') token = token.slice('bearer '.length).trim();
  if (token.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(token);
    } catch {
      throw new CliUsageError(`The token given on ${from === 'stdin' ? 'stdin' : 'the command line'} starts with '{' but is not valid JSON.`);
    }
    const inner = (parsed as { token?: unknown } | null)?.token;
    if (typeof inner !== 'string') throw new CliUsageError('The JSON given as a token has no string "token" field (expected an Ably TokenDetails object).');
    token = inner.trim();
  }
  if (token.length === 0) throw new CliUsageError(from === 'stdin' ? 'No token on stdin.' : 'The token is empty.');
  assertShallow(token);
  return token;
}

/**
 * The `<jwt>` operand: the token itself, or `-` to read it from stdin. Whatever key-shaped text
 * stdin holds (a key piped where a token belongs) is registered as a secret before any use.
 */
export async function readTokenOperand(operand: string, { stdin, secrets }: Pick<CommandContext, 'stdin' | 'secrets'>): Promise<string> {
  if (operand !== '-') return normaliseToken(operand, 'argument');
  const text = await readStream(stdin);
  addKeyLikeSecrets(secrets, text);
  return normaliseToken(text, 'stdin');
}

/**
 * Parses `--grant` values into core's grants object. Each is `PATTERN=FEATURES`: the LAST `=`
 * splits them (feature names never contain `=`, a room name might), FEATURES is a comma-separated
 * list of features, presets (`all`, `moderator`) or raw operations (`op:publish`). Grants for the
 * same pattern add up. Patterns and features are checked by core when the token is signed.
 */
export function parseGrantOptions(values: readonly string[]): Record<string, GrantItem[]> {
  if (values.length === 0) {
    throw new CliUsageError("mint needs at least one --grant, e.g. --grant 'lobby=all' --grant 'dms:alice:*=send,receive,history'.");
  }
  // No prototype: a pattern named '__proto__' must stay an ordinary key (core then judges it).
  const grants: Record<string, GrantItem[]> = Object.create(null) as Record<string, GrantItem[]>;
  for (const value of values) {
    const split = value.lastIndexOf('=');
    if (split < 0) {
      throw new CliUsageError(`--grant ${JSON.stringify(value)} has no '='. Write PATTERN=FEATURES, e.g. 'lobby=all' or 'dms:alice:*=send,receive'.`);
    }
    const pattern = value.slice(0, split);
    const features = value
      .slice(split + 1)
      .split(',')
      .map((feature) => feature.trim())
      .filter((feature) => feature.length > 0);
    if (features.length === 0) {
      throw new CliUsageError(
        `--grant ${JSON.stringify(value)} lists no features after '='. Write e.g. '${pattern || 'lobby'}=all' or '${pattern || 'lobby'}=send,receive'.`,
      );
    }
    const list = grants[pattern] ?? (grants[pattern] = []);
    for (const feature of features) if (!list.includes(feature as GrantItem)) list.push(feature as GrantItem);
  }
  return grants;
}

/**
 * Parses repeated `--claim PATTERN=VALUE` options into user claims. The FIRST `=` ends the pattern
 * (room patterns hold no `=` in practice, JSON values often might). A value starting with `{` is
 * parsed as a JSON object; any other value is the claim's string as given. Core then checks the
 * patterns and values as it does for the token route.
 */
export function parseClaimOptions(values: readonly string[]): Record<string, string | Record<string, unknown>> {
  // No prototype: a pattern named '__proto__' must stay an ordinary key (core then judges it).
  const claims = Object.create(null) as Record<string, string | Record<string, unknown>>;
  for (const value of values) {
    const split = value.indexOf('=');
    if (split < 0) {
      throw new CliUsageError(`--claim ${JSON.stringify(value)} has no '='. Write PATTERN=VALUE, e.g. '*={"display_name":"Alice"}' or 'support:*=agent'.`);
    }
    const pattern = value.slice(0, split);
    const text = value.slice(split + 1);
    if (Object.prototype.hasOwnProperty.call(claims, pattern)) {
      throw new CliUsageError(`--claim gives the pattern ${JSON.stringify(pattern)} twice; a room pattern has one user claim.`);
    }
    if (text.trimStart().startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new CliUsageError(`--claim for ${JSON.stringify(pattern)}: the value starts with '{' but is not valid JSON (${(error as Error).message}).`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new CliUsageError(`--claim for ${JSON.stringify(pattern)}: the value must be a JSON object or a plain string.`);
      }
      claims[pattern] = parsed as Record<string, unknown>;
    } else {
      claims[pattern] = text;
    }
  }
  return claims;
}
