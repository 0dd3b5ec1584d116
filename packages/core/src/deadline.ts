import { AblyChatAuthError } from './errors.js';

/** The error of a step that outlived the route's deadline (answered 503). */
export class DeadlineError extends AblyChatAuthError {
  constructor(phase: string) {
    super('ERR_TIMEOUT', `${phase} did not finish before the route's timeout.`, { details: { phase } });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value instanceof Promise || (typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function');
}

/**
 * Awaits a value that may be a promise, failing with {@link DeadlineError} once `deadlineAt`
 * passes. A synchronous value is returned as is: no timer, no promise layer.
 */
export function within<T>(value: T | PromiseLike<T>, deadlineAt: number, phase: string): T | Promise<T> {
  if (!isThenable(value)) return value;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineError(phase)), Math.max(0, deadlineAt - Date.now()));
    Promise.resolve(value).then(
      (settled) => {
        clearTimeout(timer);
        resolve(settled);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes the awaited value's own rejection reason through unchanged
        reject(error);
      },
    );
  });
}
