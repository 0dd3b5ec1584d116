import type { SecretRedactor } from './redaction.js';

// Anything shaped like an API key, `appId.keyId:secret`, wherever it sits in a value: a key given
// to the wrong option, inside a --grant, after a misspelt --kye=. Loose on purpose (the key need
// not be valid): the part after the colon, up to white space or a quote, is taken for a secret.
const KEY_LIKE = /[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+:([^\s'"`]+)/g;

// Environment variables that may hold a key; others (PATH, DISPLAY, ...) may look key-shaped by chance.
const KEY_VARIABLE = /ABLY|KEY|SECRET|TOKEN/i;

/** The secret half of a value given as a key: after the first colon, or the whole value when it has none (a secret pasted alone). */
function secretOfKeyValue(value: string): string {
  const colon = value.indexOf(':');
  return (colon >= 0 ? value.slice(colon + 1) : value).trim();
}

/** Registers the secret part of every key-shaped stretch of `text` (for stdin, argv and environment values). */
export function addKeyLikeSecrets(redactor: SecretRedactor, text: string): void {
  for (const match of text.matchAll(KEY_LIKE)) redactor.add(match[1]!);
}

/**
 * Registers every value that must never be printed, before anything is parsed or written:
 * the secret of `ABLY_API_KEY` and of every `--key`/`-k` value (in each spelling commander
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
