import { isAblyChatAuthError } from '@ably-chat-auth/core';
import { version } from '../package.json';
import { formatHelp, parseCommandLine, type CommandSpec, type OptionSpec, type OptionValues, type ProgramSpec } from './command-line.js';
import { checkKeyCommand } from './commands/check-key.js';
import { explainCommand, type ExplainOptions } from './commands/explain.js';
import { inspectCommand } from './commands/inspect.js';
import { mintCommand, type MintOptions } from './commands/mint.js';
import type { CommandContext } from './context.js';
import { CliUsageError, EXIT_OK, EXIT_USAGE, type ExitCode } from './exit-codes.js';
import { createOutput, createStyles, type WritableTarget } from './output.js';
import { SecretRedactor } from './redaction.js';
import { collectSecrets } from './secrets.js';
import { escapeTerminalText } from './terminal-text.js';

/** The process around the CLI: streams, environment and clock (the real ones in `cli.ts`). */
export interface CliProcess {
  stdout: WritableTarget;
  stderr: WritableTarget;
  stdin: AsyncIterable<Buffer | string>;
  env: NodeJS.ProcessEnv;
  now?: () => number;
}

const EXIT_CODES_HELP = `
Exit codes:
  0  done: token decoded (and verified, with a key), minted, allowed, key well-formed
  1  a negative answer: the signature does not verify (inspect), the feature is denied (explain)
  2  a usage or input error: bad option, malformed token or key, a grant core refuses

Environment:
  ABLY_API_KEY  the API key 'appId.keyId:secret', used when --key is not given
  NO_COLOR      set (non-empty) to turn colour off; colour is only used on a terminal anyway`;

const keyOption: OptionSpec = {
  short: '-k',
  long: '--key',
  value: 'key',
  description: "Ably API key 'appId.keyId:secret' (default: $ABLY_API_KEY; prefer the variable, argv is visible to other users)",
};
const jsonOption: OptionSpec = { long: '--json', description: 'print one JSON object instead of text' };

const inspectSpec: CommandSpec = {
  name: 'inspect',
  description: 'decode a token without a key: clientId, key name, times and the Chat features per room; with a key, verify its signature',
  operand: { name: 'jwt', description: "the token, or '-' to read it from stdin (a TokenDetails JSON object or 'Bearer <jwt>' works too)" },
  options: [keyOption, jsonOption],
  helpAfter: `
Without a key the token is only decoded; with --key or ABLY_API_KEY its HS256 signature and key
name are checked too ("signature verified", or why not: exit 1). Expiry is shown, not judged.

--json prints {clientId, keyName, issuedAt, expiresAt, expired, verified, verificationError,
revocationKey, rooms: {<pattern>: {features, presets, capabilities}}, userClaims: {<pattern>:
value}}; verified is null when no key was given, true or false when one was.

Examples:
  $ ably-chat-auth inspect eyJhbGciOi...
  $ curl -s localhost:3000/api/ably-token | ably-chat-auth inspect - --key "$ABLY_API_KEY"
  $ ably-chat-auth inspect "$TOKEN" --json | jq '.rooms'`,
};

const mintSpec: CommandSpec = {
  name: 'mint',
  description: 'sign a token with the API key through core, with the same rules as the token route',
  options: [
    { short: '-c', long: '--client-id', value: 'id', description: 'the identity the token carries (x-ably-clientId); * is refused' },
    {
      short: '-g',
      long: '--grant',
      value: 'pattern=features',
      description: 'a room pattern and its comma-separated features, presets or op:<operation>; repeatable',
      defaultNote: 'none',
      repeatable: true,
    },
    {
      long: '--claim',
      value: 'pattern=value',
      description: 'a Chat user claim for a room pattern: a JSON object or a string; repeatable',
      defaultNote: 'none',
      repeatable: true,
    },
    { short: '-t', long: '--ttl', value: 'duration', description: "lifetime: seconds or '15m', '1h', from 10 s to 24 h (default: 1h)" },
    { long: '--allow-privileged-operations', description: 'allow op:*, op:push-admin and op:privileged-headers, which no Chat feature needs' },
    keyOption,
    jsonOption,
  ],
  helpAfter: `
Prints the token alone on stdout, so TOKEN=$(ably-chat-auth mint ...) works. --json prints
{token, clientId, keyName, issuedAt, expiresAt, capability, userClaims} instead.

--grant PATTERN=FEATURES: the LAST '=' separates the room pattern from the features (feature names
never contain '='). Patterns: 'lobby', 'dms:*' (a namespace), 'team:*:general', '*'. Features:
send, receive, update-own, update-any, delete-own, delete-any, history, message-reactions,
message-reactions-summary, presence, typing, room-reactions, occupancy; presets all, moderator;
raw operations op:publish etc. Grants of the same pattern add up.

--claim PATTERN=VALUE: a user claim (ably.room.PATTERN) that Ably Chat attaches to the user's
messages, presence and reactions in matching rooms. Unlike --grant, the FIRST '=' ends the pattern
(JSON values may contain '='; room patterns do not). A value starting with '{' is a JSON object,
signed with sorted keys; anything else is the string as given. At most 1 KiB each.

Examples:
  $ ably-chat-auth mint --client-id alice --grant 'lobby=all' --grant 'dms:alice:*=send,receive,history'
  $ ably-chat-auth mint -c bob -g 'announcements=receive,history' --ttl 15m --json
  $ ably-chat-auth mint -c carol -g 'support:*=all' --claim 'support:*={"role":"agent"}' --claim '*=Carol'`,
};

const explainSpec: CommandSpec = {
  name: 'explain',
  description: 'say whether a token allows a Chat feature in a room, and which grant decides (exit 0 allowed, 1 denied); every feature without --feature',
  operand: { name: 'jwt', description: "the token, or '-' to read it from stdin" },
  options: [
    { short: '-r', long: '--room', value: 'room', description: 'the concrete room name, e.g. dms:alice:bob', mandatory: true },
    {
      short: '-f',
      long: '--feature',
      value: 'feature',
      description: 'a Chat feature (send, history, ...), a preset (all, moderator) or op:<operation> (default: every Chat feature)',
    },
    jsonOption,
  ],
  helpAfter: `
Reads the token's capability with Ably's wildcard rules; the signature is not checked (use
inspect --key). Also shows the user claim Ably Chat would attach in that room (the most specific
matching pattern). --json prints {allowed, room, feature, clientId, required, grantedBy, missing,
expired, userClaim: {pattern, value} | null}.

Without --feature: one line per Chat feature, allowed or denied (exit 0 when at least one is
allowed, 1 when none); --json prints {room, clientId, features: {<feature>: {allowed, required,
grantedBy, missing}}, allowed: [<feature>...], expired, userClaim}.

Examples:
  $ ably-chat-auth explain "$TOKEN" --room dms:alice:bob
  $ ably-chat-auth explain "$TOKEN" --room dms:alice:bob --feature send
  $ ably-chat-auth explain - --room lobby --feature history --json < token.jwt`,
};

const checkKeySpec: CommandSpec = {
  name: 'check-key',
  description: 'check offline that the API key is well-formed, and print its name (never its secret)',
  options: [keyOption, jsonOption],
  helpAfter: `
Exit 2 when the key is missing or malformed. --json prints {valid, keyName, appId, source}.

Examples:
  $ ABLY_API_KEY=... ably-chat-auth check-key
  $ ably-chat-auth check-key --json`,
};

/** The command line: commands, options and help texts. */
export const PROGRAM: ProgramSpec = {
  name: 'ably-chat-auth',
  description: 'Inspect, mint and explain Ably Chat tokens (JWTs), and check Ably API keys. Offline: nothing is sent to Ably.',
  version,
  commands: [inspectSpec, mintSpec, explainSpec, checkKeySpec],
  helpAfter: EXIT_CODES_HELP,
};

/** Runs a parsed command; the option values are those `parseCommandLine` read for it. */
function runCommand(name: string, operand: string | undefined, options: OptionValues, context: CommandContext): Promise<ExitCode> | ExitCode {
  switch (name) {
    case 'inspect':
      return inspectCommand(operand!, options, context);
    case 'mint':
      return mintCommand(options as unknown as MintOptions, context);
    case 'explain':
      return explainCommand(operand!, options as unknown as ExplainOptions, context);
    default:
      return checkKeyCommand(options, context);
  }
}

/**
 * Runs the CLI with the given arguments (without `node` and the script) and returns the exit code.
 * Never throws: errors go to stderr (escaped, secrets redacted) with exit code 2.
 */
export async function run(argv: readonly string[], proc: CliProcess): Promise<ExitCode> {
  const secrets = new SecretRedactor();
  collectSecrets(secrets, argv, proc.env);
  const stdout = createOutput(proc.stdout, proc.env, secrets);
  const stderr = createOutput(proc.stderr, proc.env, secrets);
  const errorStyles = createStyles(stderr.color);
  const context: CommandContext = {
    stdout,
    stderr,
    styles: createStyles(stdout.color),
    stdin: proc.stdin,
    env: proc.env,
    secrets,
    now: proc.now ?? Date.now,
  };
  try {
    const invocation = parseCommandLine(PROGRAM, argv);
    switch (invocation.kind) {
      case 'version':
        stdout.write(`${version}\n`);
        return EXIT_OK;
      case 'help': {
        const out = invocation.error ? stderr : stdout;
        out.write(formatHelp(PROGRAM, invocation.command, out.columns));
        return invocation.error ? EXIT_USAGE : EXIT_OK;
      }
      case 'usage-error':
        // The message quotes the arguments it refuses: escaped like any other value, on one line.
        stderr.write(`${escapeTerminalText(invocation.message)}\n`);
        stderr.write('(add --help for usage)\n');
        return EXIT_USAGE;
      default:
        return await runCommand(invocation.command.name, invocation.operand, invocation.options, context);
    }
  } catch (error) {
    // Error messages quote token fields and arguments: one escaped line, whatever they hold.
    stderr.line(`${errorStyles.red('error:')} ${escapeTerminalText(describeError(error))}`);
    for (const frame of stackFrames(error)) stderr.line(escapeTerminalText(frame));
    return EXIT_USAGE;
  }
}

function describeError(error: unknown): string {
  if (isAblyChatAuthError(error, 'ERR_WILDCARD_CLIENT_ID')) {
    // Core's advice names a library option the CLI deliberately does not offer.
    return "--client-id '*' would let the client claim any identity, and Ably Chat needs a concrete one: pass the user's id.";
  }
  if (isAblyChatAuthError(error) || error instanceof CliUsageError) return error.message;
  return `unexpected failure: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}

/** The `at ...` lines of an unexpected error's stack, for a bug report; none for the errors the CLI expects. */
function stackFrames(error: unknown): string[] {
  if (!(error instanceof Error) || isAblyChatAuthError(error) || error instanceof CliUsageError) return [];
  return (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
}
