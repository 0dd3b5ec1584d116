import { printJson, type CommandContext } from '../context.js';
import { EXIT_OK, type ExitCode } from '../exit-codes.js';
import { requireApiKey, type KeySource } from '../input.js';

export interface CheckKeyOptions {
  key?: string;
  json?: boolean;
}

/** The `--json` document of `check-key`. Never holds the secret. */
export interface CheckKeyJson {
  valid: true;
  keyName: string;
  appId: string;
  source: KeySource;
}

/**
 * Checks the API key's format offline (`appId.keyId:secret`) and prints its name, never its
 * secret. A malformed or missing key is an input error (exit 2). Whether Ably knows the key, and
 * what it may do, only Ably can say.
 */
export function checkKeyCommand(options: CheckKeyOptions, context: CommandContext): ExitCode {
  const { key, source } = requireApiKey(options.key, context.env);
  if (options.json) {
    const json: CheckKeyJson = { valid: true, keyName: key.keyName, appId: key.appId, source };
    printJson(context, json);
    return EXIT_OK;
  }
  const { bold, dim, green } = context.styles;
  context.stdout.line(`${green('✓')} ${bold(key.keyName)} is a well-formed Ably API key (from ${source}).`);
  context.stdout.line(`  app id    ${key.appId}`);
  context.stdout.line(`  key name  ${key.keyName}   (the kid header of the tokens it signs)`);
  context.stdout.line(dim('  Checked offline: the format only. Ably alone knows whether the key exists and what it may do.'));
  return EXIT_OK;
}
