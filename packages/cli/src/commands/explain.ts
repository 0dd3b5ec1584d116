import {
  decodeAblyToken,
  explainDecision,
  isAblyChatAuthError,
  resourceMatches,
  userClaimFor,
  type AppliedUserClaim,
  type AllowsDecision,
  type AblyOperation,
  type GrantItem,
} from '@ably-chat-auth/core';
import { printJson, type CommandContext } from '../context.js';
import { CliUsageError, EXIT_NEGATIVE, EXIT_OK, type ExitCode } from '../exit-codes.js';
import { readClaimTime, relativeExpiry, renderTable, type Cell } from '../format.js';
import { readTokenOperand } from '../input.js';
import { escapeTerminalText } from '../terminal-text.js';

export interface ExplainOptions {
  room: string;
  feature: string;
  json?: boolean;
}

/** The `--json` document of `explain`. */
export interface ExplainJson {
  allowed: boolean;
  room: string;
  feature: string;
  clientId: string | null;
  /** The Ably operations the feature needs. */
  required: AblyOperation[];
  /** For each granted operation, the room pattern of the token that grants it (exact names win over wildcards). */
  grantedBy: Partial<Record<AblyOperation, string>>;
  /** The needed operations no grant covers. */
  missing: AblyOperation[];
  /** True when the token has expired (Ably refuses it whatever its capability); null without `exp`. */
  expired: boolean | null;
  /** The user claim Ably Chat attaches in this room (the most specific matching pattern); null when none. */
  userClaim: AppliedUserClaim | null;
}

/**
 * Says whether the token's capability allows a Chat feature (or preset, or `op:` operation) in a
 * concrete room, and which grant decides. Exit 0 when allowed, 1 when denied. Reads the
 * capability only: the signature is not checked (use `inspect --key` for that).
 */
export async function explainCommand(operand: string, options: ExplainOptions, context: CommandContext): Promise<ExitCode> {
  if (options.room.trim() === '') throw new CliUsageError('--room must name a room, e.g. --room lobby.');
  const token = await readTokenOperand(operand, context);
  const decoded = decodeAblyToken(token);
  const decision = decide(decoded.capability, options);
  const now = context.now();
  const expired = decoded.expiresAt === undefined ? null : decoded.expiresAt <= now;
  const userClaim = userClaimFor(decoded, options.room) ?? null;
  if (options.json) {
    const json: ExplainJson = {
      allowed: decision.allowed,
      room: options.room,
      feature: options.feature,
      clientId: decoded.clientId ?? null,
      required: decision.required,
      grantedBy: decision.grantedBy,
      missing: decision.missing,
      expired,
      userClaim,
    };
    printJson(context, json);
    return decision.allowed ? EXIT_OK : EXIT_NEGATIVE;
  }

  const { bold, dim, green, red, yellow } = context.styles;
  // The clientId, the room patterns and even --room may come from a forged token or a pasted string.
  const who = decoded.clientId === undefined ? 'this token' : escapeTerminalText(JSON.stringify(decoded.clientId));
  const what = `'${escapeTerminalText(options.feature)}' in room '${escapeTerminalText(options.room)}'`;
  context.stdout.line(decision.allowed ? `${bold(green('ALLOWED'))}  ${who} may use ${what}` : `${bold(red('DENIED'))}  ${who} may not use ${what}`);
  const rows = decision.required.map((op): Array<Cell | string> => {
    const grant = decision.grantedBy[op];
    return grant === undefined
      ? [
          { text: op, paint: red },
          { text: 'missing: no grant matching this room includes it', paint: red },
        ]
      : [op, { text: `granted by '${grant}'`, paint: dim }];
  });
  for (const line of renderTable(rows)) context.stdout.line(line);
  if (!decision.allowed && Object.keys(decision.grantedBy).length === 0) {
    const patterns = Object.keys(decoded.capability);
    if (!patterns.some((pattern) => resourceMatches(pattern, options.room))) {
      const granted = patterns.map((p) => `'${escapeTerminalText(p)}'`).join(', ') || 'nothing';
      context.stdout.line(dim(`No grant of this token matches room '${escapeTerminalText(options.room)}'. It grants: ${granted}.`));
    }
  }
  if (userClaim) {
    context.stdout.line(
      `User claim in this room: ${escapeTerminalText(JSON.stringify(userClaim.value))} ${dim(`(from pattern '${escapeTerminalText(userClaim.pattern)}')`)}`,
    );
  } else if (Object.keys(decoded.userClaims).length > 0) {
    context.stdout.line(dim(`No user claim of this token applies in room '${escapeTerminalText(options.room)}'.`));
  }
  if (expired) {
    const exp = readClaimTime(decoded.claims.exp);
    const when = exp.kind === 'valid' ? `the token ${relativeExpiry(exp.at, now)}` : "the token's exp claim is an invalid date in the past";
    context.stdout.line(yellow(`Note: ${when}; Ably refuses it whatever its capability.`));
  }
  return decision.allowed ? EXIT_OK : EXIT_NEGATIVE;
}

function decide(capability: Record<string, AblyOperation[]>, { room, feature }: ExplainOptions): AllowsDecision {
  try {
    return explainDecision(capability, room, feature as GrantItem);
  } catch (error) {
    // Core words this for policies ("in the grant for room ..."); here the name came from --feature.
    if (isAblyChatAuthError(error, 'ERR_UNKNOWN_FEATURE')) {
      throw new CliUsageError(`--feature: ${error.message.replace(` in the grant for room '${room}'`, '')}`);
    }
    throw error;
  }
}
