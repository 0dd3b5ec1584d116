import { hasControlCharacter } from './control-characters.js';
import { AblyChatAuthError, describeValue } from './errors.js';
import { invisibleCharacterProblem } from './invisible-characters.js';
import { MAX_CLIENT_ID_LENGTH } from './limits.js';

/** Checks a clientId; returns it. */
export function assertClientId(clientId: unknown, allowWildcard = false): string {
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new AblyChatAuthError(
      'ERR_INVALID_CLIENT_ID',
      `The clientId must be a non-empty string; got ${clientId === '' ? 'an empty string' : describeValue(clientId)}. Map your user to a stable id with the clientId option.`,
    );
  }
  if (clientId.length > MAX_CLIENT_ID_LENGTH) {
    throw new AblyChatAuthError('ERR_INVALID_CLIENT_ID', `The clientId is ${clientId.length} characters long; the limit is ${MAX_CLIENT_ID_LENGTH}.`);
  }
  if (hasControlCharacter(clientId)) throw new AblyChatAuthError('ERR_INVALID_CLIENT_ID', 'The clientId contains a control character.');
  const invisible = invisibleCharacterProblem(clientId);
  if (invisible) {
    throw new AblyChatAuthError(
      'ERR_INVALID_CLIENT_ID',
      `The clientId contains ${invisible}, which would let it pose as another user in a chat UI. Remove it (normalise user ids before use).`,
    );
  }
  if (clientId === '*' && !allowWildcard) {
    throw new AblyChatAuthError(
      'ERR_WILDCARD_CLIENT_ID',
      "The clientId '*' would let the client claim any identity, and Ably Chat needs a concrete one. Use the user's id, or set allowWildcardClientId: true if you really mean it.",
    );
  }
  return clientId;
}

/** Default clientId mapping: `user.clientId ?? user.id` (a safe integer becomes its string). */
export function defaultClientId(user: unknown): string {
  if (typeof user === 'string') return user;
  if (typeof user === 'object' && user !== null) {
    const record = user as { clientId?: unknown; id?: unknown };
    const value = record.clientId ?? record.id;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    if (typeof value === 'string') return value;
    throw new AblyChatAuthError(
      'ERR_INVALID_CLIENT_ID',
      `The user has no usable clientId or id (got ${describeValue(value)}); pass a clientId option that maps your user to a stable string id.`,
    );
  }
  throw new AblyChatAuthError('ERR_INVALID_CLIENT_ID', `The resolved user is ${describeValue(user)}; pass a clientId option that maps it to a string id.`);
}
