import { createTokenIssuer, decodeAblyToken, type AblyCapability, type UserClaims } from '@ably-chat-auth/core';
import { printJson, type CommandContext } from '../context.js';
import { CliUsageError, EXIT_OK, type ExitCode } from '../exit-codes.js';
import { isoTime } from '../format.js';
import { parseClaimOptions, parseGrantOptions, requireApiKey } from '../input.js';

export interface MintOptions {
  clientId?: string;
  grant: string[];
  /** `PATTERN=VALUE` user claims (the first `=` splits; a value starting with `{` is JSON). */
  claim?: string[];
  ttl?: string;
  key?: string;
  json?: boolean;
  /** Allow `op:*`, `op:push-admin` and `op:privileged-headers` (core refuses them otherwise). */
  allowPrivilegedOperations?: boolean;
}

/** The `--json` document of `mint`. */
export interface MintJson {
  token: string;
  clientId: string;
  keyName: string;
  issuedAt: string;
  expiresAt: string;
  capability: AblyCapability;
  /** The user claims as signed: room pattern -> string. */
  userClaims: Record<string, string>;
}

/**
 * Signs a token with core's issuer, so every rule of core applies (clientId, room patterns,
 * features, TTL bounds, size). Prints the token alone, newline-terminated, for `$(...)`.
 */
export async function mintCommand(options: MintOptions, context: CommandContext): Promise<ExitCode> {
  if (options.clientId === undefined) throw new CliUsageError('mint needs --client-id, the identity the token carries (e.g. --client-id alice).');
  const grants = parseGrantOptions(options.grant);
  const userClaims = parseClaimOptions(options.claim ?? []);
  const key = requireApiKey(options.key, context.env);
  const issuer = createTokenIssuer({
    apiKey: key.raw,
    ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
    ...(options.allowPrivilegedOperations ? { allowPrivilegedOperations: true } : {}),
  });
  const issued = await issuer.issue({ clientId: options.clientId, grants, userClaims: userClaims as UserClaims });
  if (options.json) {
    const json: MintJson = {
      token: issued.token,
      clientId: issued.clientId,
      keyName: issued.keyName,
      issuedAt: isoTime(issued.issuedAt)!,
      expiresAt: isoTime(issued.expiresAt)!,
      capability: issued.capability,
      userClaims: decodeAblyToken(issued.token).userClaims,
    };
    printJson(context, json);
  } else {
    context.stdout.line(issued.token);
  }
  return EXIT_OK;
}
