import { CHAT_FEATURE_NAMES, decodeAblyToken, isAblyChatAuthError, verifyAblyToken, type DecodedAblyToken } from '@ably-chat-auth/core';
import { printJson, type CommandContext } from '../context.js';
import { EXIT_NEGATIVE, EXIT_OK, type ExitCode } from '../exit-codes.js';
import { claimIsoTime, readClaimTime, relativeExpiry, relativeTime, renderTable, tableWidth, INVALID_DATE, type Cell, type ClaimTime } from '../format.js';
import { readApiKey, readTokenOperand, type ResolvedKey } from '../input.js';

export interface InspectOptions {
  key?: string;
  json?: boolean;
}

/** The `--json` document of `inspect`. */
export interface InspectJson {
  clientId: string | null;
  keyName: string | null;
  issuedAt: string | null;
  expiresAt: string | null;
  /** True from the `exp` second on; null when the token has no `exp`. */
  expired: boolean | null;
  /** null: no key was given, so nothing was checked. true/false: the signature was checked with the key. */
  verified: boolean | null;
  /** Why verification failed; null otherwise. */
  verificationError: string | null;
  revocationKey: string | null;
  rooms: Record<string, { features: string[]; presets: string[]; capabilities: string[] }>;
  /** Chat user claims: room pattern -> value as signed. */
  userClaims: Record<string, string>;
}

interface Verification {
  verified: boolean | null;
  error: string | null;
  key: ResolvedKey | undefined;
}

/**
 * Decodes a token without a key; with `--key` or `ABLY_API_KEY` also checks its HS256 signature
 * (expiry is reported, not treated as a verification failure). Exit 1 when the signature fails.
 */
export async function inspectCommand(operand: string, options: InspectOptions, context: CommandContext): Promise<ExitCode> {
  const key = readApiKey(options.key, context.env);
  const token = await readTokenOperand(operand, context);
  const decoded = decodeAblyToken(token);
  const verification = await verify(token, key);
  const now = context.now();
  if (options.json) {
    printJson(context, toJson(decoded, verification, now));
  } else {
    printHuman(decoded, verification, now, context);
  }
  return verification.verified === false ? EXIT_NEGATIVE : EXIT_OK;
}

async function verify(token: string, key: ResolvedKey | undefined): Promise<Verification> {
  if (!key) return { verified: null, error: null, key };
  try {
    await verifyAblyToken(token, key.key, { ignoreExpiration: true });
    return { verified: true, error: null, key };
  } catch (error) {
    if (isAblyChatAuthError(error, 'ERR_INVALID_TOKEN')) return { verified: false, error: error.message, key };
    throw error;
  }
}

function toJson(decoded: DecodedAblyToken, verification: Verification, now: number): InspectJson {
  // Room names are untrusted keys: a room called __proto__ must stay a room.
  const rooms: InspectJson['rooms'] = Object.create(null) as InspectJson['rooms'];
  for (const [pattern, room] of Object.entries(decoded.rooms)) {
    rooms[pattern] = { features: room.features, presets: room.presets, capabilities: room.operations };
  }
  return {
    clientId: decoded.clientId ?? null,
    keyName: decoded.keyName ?? null,
    issuedAt: claimIsoTime(readClaimTime(decoded.claims.iat)),
    expiresAt: claimIsoTime(readClaimTime(decoded.claims.exp)),
    expired: decoded.expiresAt === undefined ? null : decoded.expiresAt <= now,
    verified: verification.verified,
    verificationError: verification.error,
    revocationKey: decoded.revocationKey ?? null,
    rooms,
    userClaims: decoded.userClaims,
  };
}

function printHuman(decoded: DecodedAblyToken, verification: Verification, now: number, context: CommandContext): void {
  const { bold, dim, green, red, yellow } = context.styles;
  const missing = (what: string): Cell => ({ text: `(none: ${what})`, paint: yellow });
  const timeCell = (time: ClaimTime, claim: 'iat' | 'exp', valid: (at: number) => Cell): Cell => {
    if (time.kind === 'valid') return valid(time.at);
    if (time.kind === 'invalid') return { text: `${INVALID_DATE} (${claim} is ${describeClaim(time.raw)})`, paint: red };
    return missing(claim === 'iat' ? 'no iat claim' : 'no exp claim; Ably refuses such a token');
  };
  const rows: Array<Array<Cell | string>> = [
    ['Client ID', decoded.clientId ?? missing('no x-ably-clientId claim')],
    ['Key name', decoded.keyName ?? missing('no kid header')],
    ['Issued', timeCell(readClaimTime(decoded.claims.iat), 'iat', (at) => ({ text: `${new Date(at).toISOString()} (${relativeTime(at, now)})` }))],
    [
      'Expires',
      timeCell(readClaimTime(decoded.claims.exp), 'exp', (at) => ({
        text: `${new Date(at).toISOString()} (${relativeExpiry(at, now)})`,
        paint: at <= now ? red : (text) => text,
      })),
    ],
  ];
  if (decoded.revocationKey !== undefined) rows.push(['Revocation key', decoded.revocationKey]);
  if (verification.verified === null) {
    rows.push(['Signature', { text: 'not checked (pass --key or set ABLY_API_KEY to verify)', paint: dim }]);
  } else if (verification.verified) {
    rows.push(['Signature', { text: `signature verified with ${verification.key!.key.keyName} (from ${verification.key!.source})`, paint: green }]);
  } else {
    rows.push(['Signature', { text: `NOT verified: ${verification.error}`, paint: red }]);
  }
  context.stdout.lines(
    renderTable(
      rows.map(([label, value]) => [{ text: label as string, paint: bold }, value!]),
      '',
    ),
  );

  const patterns = Object.keys(decoded.rooms);
  context.stdout.line();
  if (patterns.length === 0) {
    context.stdout.line(yellow('The capability grants no resource: Ably would refuse this token.'));
    return;
  }
  context.stdout.line(bold('Chat features by room'));
  const yes: Cell = { text: '✓', paint: green };
  const no: Cell = { text: '·', paint: dim };
  // A lower bound of the table's width (escaping only lengthens a cell): with many rooms the table
  // cannot fit, and building it (a column per room) would be the costliest step of the command.
  const columns = context.stdout.columns ?? 120;
  const narrowEnough = patterns.reduce((width, pattern) => width + 2 + Math.max(1, pattern.length), 'message-reactions-summary'.length) <= columns;
  const table = !narrowEnough
    ? []
    : renderTable([
        [{ text: 'feature', paint: dim }, ...patterns.map((pattern): Cell => ({ text: pattern, paint: bold }))],
        ...CHAT_FEATURE_NAMES.map((feature) => [feature, ...patterns.map((pattern) => (decoded.rooms[pattern]!.features.includes(feature) ? yes : no))]),
        [{ text: 'preset', paint: dim }, ...patterns.map((pattern) => decoded.rooms[pattern]!.presets.join(', ') || '-')],
      ]);
  if (narrowEnough && tableWidth(table) <= columns) {
    context.stdout.lines(table);
  } else {
    // Too many rooms for one table across the terminal: one line per room instead.
    context.stdout.lines(
      renderTable(patterns.map((pattern) => [{ text: pattern, paint: bold }, decoded.rooms[pattern]!.features.join(', ') || '(no Chat feature)'])),
    );
  }
  context.stdout.line();
  context.stdout.line(bold('Capability (raw Ably operations)'));
  context.stdout.lines(renderTable(patterns.map((pattern) => [{ text: pattern, paint: bold }, decoded.rooms[pattern]!.operations.join(', ') || '(none)'])));
  const claimPatterns = Object.keys(decoded.userClaims);
  if (claimPatterns.length > 0) {
    context.stdout.line();
    context.stdout.line(bold('User claims (what others see about this user, by room pattern)'));
    // renderTable escapes every cell: the values come from the token and may hold anything.
    context.stdout.lines(renderTable(claimPatterns.map((pattern) => [{ text: pattern, paint: bold }, decoded.userClaims[pattern]!])));
  }
}

/** A claim's raw value for a message, cut short: it comes from the token and may be anything. */
function describeClaim(raw: unknown): string {
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
