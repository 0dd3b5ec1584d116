import type { CompiledCapability } from './capability.js';
import { AblyChatAuthError } from './errors.js';
import { USER_CLAIM_PREFIX } from './user-claims.js';

/** The error for a token over the size limit, saying which rooms and claims take the room. */
export function tokenTooLarge(
  bytes: number,
  limit: number,
  compiled: CompiledCapability,
  claims: Record<string, unknown> | undefined,
  userClaims: ReadonlyArray<readonly [string, string]>,
): AblyChatAuthError {
  const contributions = compiled.rooms
    .map((room) => ({ room, bytes: Math.ceil((JSON.stringify(room).length + JSON.stringify(compiled.capability[room]).length + 2) * 1.37) }))
    .sort((a, b) => b.bytes - a.bytes);
  const top = contributions.slice(0, 5).map((c) => `'${c.room}' (~${c.bytes} B)`);
  const claimBytes = claims ? Math.ceil(JSON.stringify(claims).length * 1.37) : 0;
  const userClaimContributions = userClaims
    .map(([name, value]) => ({
      pattern: name.slice(USER_CLAIM_PREFIX.length),
      bytes: Math.ceil((JSON.stringify(name).length + JSON.stringify(value).length + 2) * 1.37),
    }))
    .sort((a, b) => b.bytes - a.bytes);
  const userClaimBytes = userClaimContributions.reduce((sum, c) => sum + c.bytes, 0);
  const topUserClaims = userClaimContributions.slice(0, 5).map((c) => `'${c.pattern}' (~${c.bytes} B)`);
  return new AblyChatAuthError(
    'ERR_TOKEN_TOO_LARGE',
    `The token would be ${bytes} bytes; the limit is ${limit}, as tokens travel in URLs and headers. It grants ${compiled.rooms.length} room pattern(s); the largest: ${top.join(', ')}${claimBytes ? `; extra claims ~${claimBytes} B` : ''}${userClaimBytes ? `; ${userClaims.length} user claim(s) ~${userClaimBytes} B, the largest: ${topUserClaims.join(', ')}` : ''}. Grant a namespace ('ns:*') instead of listing rooms one by one${userClaimBytes ? ", and set one user claim for '*' or a namespace rather than one per room" : ''}.`,
    {
      details: {
        bytes,
        limit,
        rooms: compiled.rooms.length,
        largest: contributions.slice(0, 5),
        claimBytes,
        userClaimBytes,
        largestUserClaims: userClaimContributions.slice(0, 5),
      },
    },
  );
}
