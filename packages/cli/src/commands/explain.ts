import {
  CHAT_FEATURE_NAMES,
  decodeAblyToken,
  explainDecision,
  isAblyChatAuthError,
  resourceMatches,
  userClaimFor,
  type AppliedUserClaim,
  type AllowsDecision,
  type AblyOperation,
  type DecodedAblyToken,
  type GrantItem,
} from '@ably-chat-auth/core';
import { printJson, type CommandContext } from '../context.js';
import { CliUsageError, EXIT_NEGATIVE, EXIT_OK, type ExitCode } from '../exit-codes.js';
import { readClaimTime, relativeExpiry, renderTable, type Cell } from '../format.js';
import { readTokenOperand } from '../input.js';
import { escapeTerminalText } from '../terminal-text.js';

export interface ExplainOptions {
  room: string;
  /** Without it, every Chat feature is explained for the room. */
  feature?: string;
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

/** One feature's verdict in the `--json` document of `explain` without `--feature`. */
export interface FeatureVerdictJson {
  allowed: boolean;
  required: AblyOperation[];
  grantedBy: Partial<Record<AblyOperation, string>>;
  missing: AblyOperation[];
}

/** The `--json` document of `explain` without `--feature`: every Chat feature in the room. */
export interface ExplainAllJson {
  room: string;
  clientId: string | null;
  /** Chat feature -> its verdict, in the order of `CHAT_FEATURE_NAMES`. */
  features: Record<string, FeatureVerdictJson>;
  /** The features allowed, in the same order. */
  allowed: string[];
  expired: boolean | null;
  userClaim: AppliedUserClaim | null;
}

/**
 * Says whether the token's capability allows a Chat feature (or preset, or `op:` operation) in a
 * concrete room, and which grant decides. Exit 0 when allowed, 1 when denied. Without a
 * feature, does so for every Chat feature: exit 0 when the room allows at least one, 1 when none.
 * Reads the capability only: the signature is not checked (use `inspect --key` for that).
 */
export async function explainCommand(operand: string, options: ExplainOptions, context: CommandContext): Promise<ExitCode> {
  if (options.room.trim() === '') throw new CliUsageError('--room must name a room, e.g. --room lobby.');
  const token = await readTokenOperand(operand, context);
  const decoded = decodeAblyToken(token);
  const now = context.now();
  const expired = decoded.expiresAt === undefined ? null : decoded.expiresAt <= now;
  const userClaim = userClaimFor(decoded, options.room) ?? null;
  if (options.feature === undefined) return explainEveryFeature(decoded, options.room, { now, expired, userClaim }, options.json === true, context);
  const feature = options.feature;
  const decision = decide(decoded.capability, options.room, feature);
  if (options.json) {
    const json: ExplainJson = {
      allowed: decision.allowed,
      room: options.room,
      feature,
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

  const { bold, dim, green, red } = context.styles;
  // The clientId, the room patterns and even --room may come from a forged token or a pasted string.
  const who = decoded.clientId === undefined ? 'this token' : escapeTerminalText(JSON.stringify(decoded.clientId));
  const what = `'${escapeTerminalText(feature)}' in room '${escapeTerminalText(options.room)}'`;
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
  context.stdout.lines(renderTable(rows));
  if (!decision.allowed && Object.keys(decision.grantedBy).length === 0) {
    const patterns = Object.keys(decoded.capability);
    if (!patterns.some((pattern) => resourceMatches(pattern, options.room))) {
      const granted = patterns.map((p) => `'${escapeTerminalText(p)}'`).join(', ') || 'nothing';
      context.stdout.line(dim(`No grant of this token matches room '${escapeTerminalText(options.room)}'. It grants: ${granted}.`));
    }
  }
  printClaimAndExpiry(decoded, options.room, { now, expired, userClaim }, context);
  return decision.allowed ? EXIT_OK : EXIT_NEGATIVE;
}

interface RoomContext {
  now: number;
  expired: boolean | null;
  userClaim: AppliedUserClaim | null;
}

function printClaimAndExpiry(decoded: DecodedAblyToken, room: string, { now, expired, userClaim }: RoomContext, context: CommandContext): void {
  const { dim, yellow } = context.styles;
  if (userClaim) {
    context.stdout.line(
      `User claim in this room: ${escapeTerminalText(JSON.stringify(userClaim.value))} ${dim(`(from pattern '${escapeTerminalText(userClaim.pattern)}')`)}`,
    );
  } else if (Object.keys(decoded.userClaims).length > 0) {
    context.stdout.line(dim(`No user claim of this token applies in room '${escapeTerminalText(room)}'.`));
  }
  if (expired) {
    const exp = readClaimTime(decoded.claims.exp);
    const when = exp.kind === 'valid' ? `the token ${relativeExpiry(exp.at, now)}` : "the token's exp claim is an invalid date in the past";
    context.stdout.line(yellow(`Note: ${when}; Ably refuses it whatever its capability.`));
  }
}

/** `explain` without `--feature`: one line per Chat feature, allowed or denied, and what decides. */
function explainEveryFeature(decoded: DecodedAblyToken, room: string, roomContext: RoomContext, json: boolean, context: CommandContext): ExitCode {
  // Only the grants matching the room can decide (as explainDecision reads them), so each of the
  // 13 decisions reads those instead of a capability of maybe a thousand rooms.
  const matching: Record<string, AblyOperation[]> = Object.create(null) as Record<string, AblyOperation[]>;
  for (const [pattern, operations] of Object.entries(decoded.capability)) if (resourceMatches(pattern, room)) matching[pattern] = operations;
  const verdicts = CHAT_FEATURE_NAMES.map((feature) => [feature, decide(matching, room, feature)] as const);
  const allowed = verdicts.filter(([, decision]) => decision.allowed).map(([feature]) => feature);
  const code = allowed.length > 0 ? EXIT_OK : EXIT_NEGATIVE;
  if (json) {
    // Feature names are fixed, but the document is built without a prototype like every other map here.
    const features = Object.create(null) as Record<string, FeatureVerdictJson>;
    for (const [feature, { allowed: ok, required, grantedBy, missing }] of verdicts) features[feature] = { allowed: ok, required, grantedBy, missing };
    const document: ExplainAllJson = {
      room,
      clientId: decoded.clientId ?? null,
      features,
      allowed,
      expired: roomContext.expired,
      userClaim: roomContext.userClaim,
    };
    printJson(context, document);
    return code;
  }
  const { bold, dim, green, red } = context.styles;
  const who = decoded.clientId === undefined ? 'this token' : escapeTerminalText(JSON.stringify(decoded.clientId));
  context.stdout.line(
    `${bold(`${allowed.length} of ${verdicts.length}`)} Chat features allowed for ${who} in room '${escapeTerminalText(room)}' ${dim('(add --feature to explain one)')}`,
  );
  const rows = verdicts.map(([feature, decision]): Array<Cell | string> => {
    if (decision.allowed) {
      const grants = [...new Set(Object.values(decision.grantedBy))].map((pattern) => `'${pattern}'`).join(', ');
      return [feature, { text: 'allowed', paint: green }, { text: `granted by ${grants}`, paint: dim }];
    }
    return [feature, { text: 'denied', paint: red }, { text: `missing: ${decision.missing.join(', ')}`, paint: red }];
  });
  context.stdout.lines(renderTable(rows));
  if (allowed.length === 0) {
    const patterns = Object.keys(decoded.capability);
    if (!patterns.some((pattern) => resourceMatches(pattern, room))) {
      const granted = patterns.map((p) => `'${escapeTerminalText(p)}'`).join(', ') || 'nothing';
      context.stdout.line(dim(`No grant of this token matches room '${escapeTerminalText(room)}'. It grants: ${granted}.`));
    }
  }
  printClaimAndExpiry(decoded, room, roomContext, context);
  return code;
}

function decide(capability: Record<string, AblyOperation[]>, room: string, feature: string): AllowsDecision {
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
