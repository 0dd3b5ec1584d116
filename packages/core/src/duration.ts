import { AblyChatAuthError, describeValue, type AblyChatAuthErrorCode } from './errors.js';

/** A duration in seconds, or a string such as `'15m'`, `'1h'`, `'30s'` (the `ms` package's syntax). */
export type Duration = number | string;

// The `ms` package's grammar and units, written out rather than depending on it: it is the whole of
// what core used of `ms`, and it cost 0.75 kB of the 18 kB (min+gzip) that a Fetch-route app may
// weigh on the edge. A property test holds it to `ms` itself (packages/core/test/duration.test.ts).
const DURATION = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_557_600_000 };

/** Milliseconds of a duration string as `ms('1h')` reads it, or undefined where `ms` gives undefined/NaN. */
export function durationStringMs(text: string): number | undefined {
  if (text.length > 100) return undefined;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const unit = (match[2] ?? 'ms').toLowerCase();
  // `ms`, `msec(s)` and `millisecond(s)` are milliseconds; otherwise the first letter names the unit.
  const factor = unit === 'ms' || unit.startsWith('msec') || unit.startsWith('milli') ? 1 : UNIT_MS[unit[0]!];
  return factor === undefined ? undefined : parseFloat(match[1]!) * factor;
}

/** Parses a {@link Duration} into whole seconds, checking it lies within [min, max]. */
export function parseDurationSeconds(
  value: Duration,
  { name, code, min, max, hint }: { name: string; code: AblyChatAuthErrorCode; min: number; max: number; hint?: string },
): number {
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    const parsed = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) * 1000 : durationStringMs(value);
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
