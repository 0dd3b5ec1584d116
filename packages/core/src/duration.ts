import ms from 'ms';
import { AblyChatAuthError, describeValue, type AblyChatAuthErrorCode } from './errors.js';

/** A duration in seconds, or a string such as `'15m'`, `'1h'`, `'30s'` (the `ms` package's syntax). */
export type Duration = number | string;

/** Parses a {@link Duration} into whole seconds, checking it lies within [min, max]. */
export function parseDurationSeconds(
  value: Duration,
  { name, code, min, max, hint }: { name: string; code: AblyChatAuthErrorCode; min: number; max: number; hint?: string },
): number {
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    const parsed = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) * 1000 : (ms as (v: string) => number | undefined)(value);
    if (typeof parsed !== 'number' || !Number.isFinite(parsed)) {
      throw new AblyChatAuthError(
        code,
        `${name} ${JSON.stringify(value.slice(0, 32))} is not a duration. Use seconds (3600) or a string like '15m', '1h' or '30s'.`,
      );
    }
    seconds = parsed / 1000;
  } else {
    throw new AblyChatAuthError(code, `${name} must be a number of seconds or a string like '1h'; got ${describeValue(value)}.`);
  }
  if (!Number.isFinite(seconds)) throw new AblyChatAuthError(code, `${name} must be a finite number of seconds.`);
  seconds = Math.round(seconds);
  if (seconds < min || seconds > max) {
    throw new AblyChatAuthError(
      code,
      `${name} must be between ${formatSeconds(min)} and ${formatSeconds(max)}; got ${formatSeconds(seconds)}.${hint ? ` ${hint}` : ''}`,
      { details: { seconds, min, max } },
    );
  }
  return seconds;
}

/** `3600` -> `'1h (3600 s)'`. */
export function formatSeconds(seconds: number): string {
  if (seconds !== 0 && seconds % 3600 === 0) return `${seconds / 3600}h (${seconds} s)`;
  if (seconds !== 0 && seconds % 60 === 0) return `${seconds / 60}m (${seconds} s)`;
  return `${seconds} s`;
}
