/**
 * Every failure ably-chat-auth reports has a stable `code`. Check errors with
 * {@link isAblyChatAuthError} (works across duplicate copies of the package) or `instanceof`.
 */
export type AblyChatAuthErrorCode =
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_UNKNOWN_OPTION'
  | 'ERR_INVALID_API_KEY'
  | 'ERR_API_KEY_PROVIDER'
  | 'ERR_INVALID_TTL'
  | 'ERR_INVALID_CLOCK_SKEW'
  | 'ERR_UNKNOWN_FEATURE'
  | 'ERR_INVALID_ROOM_PATTERN'
  | 'ERR_INVALID_ROOM_SEGMENT'
  | 'ERR_INVALID_GRANTS'
  | 'ERR_PRIVILEGED_OPERATION'
  | 'ERR_INVALID_CLIENT_ID'
  | 'ERR_WILDCARD_CLIENT_ID'
  | 'ERR_RESERVED_CLAIM'
  | 'ERR_INVALID_CLAIMS'
  | 'ERR_INVALID_USER_CLAIMS'
  | 'ERR_INVALID_REVOCATION_KEY'
  | 'ERR_TOKEN_TOO_LARGE'
  | 'ERR_INVALID_TOKEN'
  | 'ERR_INVALID_CAPABILITY'
  | 'ERR_TIMEOUT'
  | 'ERR_REVOCATION_FAILED';

const BRAND = Symbol.for('ably-chat-auth.error');

/** Where each code is explained: the error reference shipped in the package. */
export const ERRORS_REFERENCE = '@ably-chat-auth/core/ERRORS.md';

/** Base class of every error thrown by ably-chat-auth. */
export class AblyChatAuthError extends Error {
  override readonly name: string = 'AblyChatAuthError';
  readonly code: AblyChatAuthErrorCode;
  /** Extra, secret-free facts about the failure (for logs and tests). */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Where this code is explained, e.g. `@ably-chat-auth/core/ERRORS.md#err_unknown_option`. */
  readonly help: string;

  constructor(code: AblyChatAuthErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.help = `${ERRORS_REFERENCE}#${code.toLowerCase()}`;
    Object.defineProperty(this, BRAND, { value: true });
  }

  toJSON(): { name: string; code: AblyChatAuthErrorCode; message: string; help: string; details?: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, help: this.help, ...(this.details ? { details: this.details } : {}) };
  }
}

/**
 * True when `error` is an ably-chat-auth error (optionally with the given code), even when it
 * comes from another copy of the package.
 *
 * @example
 * if (isAblyChatAuthError(err, 'ERR_INVALID_API_KEY')) process.exit(1);
 */
export function isAblyChatAuthError(error: unknown, code?: AblyChatAuthErrorCode): error is AblyChatAuthError {
  if (typeof error !== 'object' || error === null) return false;
  const branded = (error as Record<symbol, unknown>)[BRAND] === true || error instanceof AblyChatAuthError;
  return branded && (code === undefined || (error as AblyChatAuthError).code === code);
}

/** Short, safe description of an arbitrary value for error messages (never prints strings' content). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return `a value of type ${typeof value}`;
}

/** The error for a bad option value, as every options resolver reports it. */
export function invalidOptions(message: string): AblyChatAuthError {
  return new AblyChatAuthError('ERR_INVALID_OPTIONS', message);
}
