import type { SecretRedactor } from './redaction.js';

// Anything shaped like an API key, `appId.keyId:secret`, wherever it sits in a value: a key given
// to the wrong option, inside a --grant, after a misspelt --kye=. Loose on purpose (the key need
// not be valid): the part after the colon, up to white space or a quote, is taken for a secret.
// Found by a hand-written scan rather than a regex such as /[\w-]+\.[\w-]+:(\S+)/g: a regex
// engine tries that pattern from every start position and backtracks over each run of key-name
// characters, which is quadratic on a JWT's base64 (no colon) and took seconds on 200 KB. The scan
// looks only at colons and walks back over the key-name characters before each, which stop at the
// previous colon at the latest, so every character is read a bounded number of times.
// After the colon: one greedy character class and nothing after it, so nothing to backtrack into.
const SECRET_PART = /[^\s'"`]+/y;

/** `[A-Za-z0-9_-]`: what an app id and a key id are made of. */
function isKeyNameCode(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code === 0x2d;
}

/**
 * The secret part of every stretch of `text` shaped like `appId.keyId:secret`, in order. Linear in
 * the length of `text` (see above); the same stretches as `/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+:([^\s'"`]+)/g`.
 */
export function keyLikeSecrets(text: string): string[] {
  const found: string[] = [];
  let from = 0;
  for (let colon = text.indexOf(':', from); colon >= 0; colon = text.indexOf(':', from)) {
    from = colon + 1;
    let dot = colon - 1;
    while (dot >= 0 && isKeyNameCode(text.charCodeAt(dot))) dot--;
    // keyId: at least one character, then a dot, then at least one character of appId.
    if (dot === colon - 1 || dot < 1 || text.charCodeAt(dot) !== 0x2e || !isKeyNameCode(text.charCodeAt(dot - 1))) continue;
    SECRET_PART.lastIndex = colon + 1;
    const secret = SECRET_PART.exec(text);
    if (secret === null) continue;
    found.push(secret[0]);
    from = SECRET_PART.lastIndex;
  }
  return found;
}

// Environment variables that may hold a key; others (PATH, DISPLAY, ...) may look key-shaped by chance.
const KEY_VARIABLE = /ABLY|KEY|SECRET|TOKEN/i;

/** The secret half of a value given as a key: after the first colon, or the whole value when it has none (a secret pasted alone). */
function secretOfKeyValue(value: string): string {
  const colon = value.indexOf(':');
  return (colon >= 0 ? value.slice(colon + 1) : value).trim();
}

/** Registers the secret part of every key-shaped stretch of `text` (for stdin, argv and environment values). */
export function addKeyLikeSecrets(redactor: SecretRedactor, text: string): void {
  for (const secret of keyLikeSecrets(text)) redactor.add(secret);
}

/**
 * Registers every value that must never be printed, before anything is parsed or written:
 * the secret of `ABLY_API_KEY` and of every `--key`/`-k` value (in each spelling the CLI
 * accepts: `--key v`, `--key=v`, `-k v`, `-kv`), and the secret part of anything key-shaped in any
 * argument or in an environment variable whose name suggests a key.
 */
export function collectSecrets(redactor: SecretRedactor, argv: readonly string[], env: NodeJS.ProcessEnv): void {
  const apiKey = env.ABLY_API_KEY;
  if (apiKey) redactor.add(secretOfKeyValue(apiKey));
  for (const [name, value] of Object.entries(env)) if (value && KEY_VARIABLE.test(name)) addKeyLikeSecrets(redactor, value);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    addKeyLikeSecrets(redactor, arg);
    if ((arg === '--key' || arg === '-k') && i + 1 < argv.length) redactor.add(secretOfKeyValue(argv[i + 1]!));
    else if (arg.startsWith('--key=')) redactor.add(secretOfKeyValue(arg.slice('--key='.length)));
    else if (arg.startsWith('-k') && !arg.startsWith('--') && arg.length > 2) redactor.add(secretOfKeyValue(arg.slice(2)));
  }
}
