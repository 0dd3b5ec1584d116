import { invalidOptions } from './errors.js';
import type { AuthCallbackOptions } from './types.js';

/** {@link AuthCallbackOptions} with defaults applied and every value checked. */
export interface ResolvedAuthCallbackOptions extends AuthCallbackOptions {
  method: 'GET' | 'POST';
  credentials: RequestCredentials;
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  timeout: number;
}

const CHOICES = {
  method: ['GET', 'POST'],
  credentials: ['include', 'same-origin', 'omit'],
  unauthenticated: ['retry', 'stop'],
} as const;
const FUNCTIONS = ['fetch', 'onUnauthenticated', 'onForbidden'] as const;
const NAMES = [...Object.keys(CHOICES), ...FUNCTIONS, 'headers', 'timeout'];

const fail = (message: string): never => {
  throw invalidOptions(message);
};

/** Checks the options once, when the callback is created, so a typo fails at startup, not at the first token. */
export function resolveOptions(url: unknown, options: AuthCallbackOptions = {}): ResolvedAuthCallbackOptions {
  if (!url || typeof url !== 'string') fail("the first argument is the token route's URL ('/api/ably-token').");
  if (!options || typeof options !== 'object') fail('options must be an object.');
  const given = options as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!NAMES.includes(name)) {
      const guess = closest(name);
      fail(`unknown option '${name}'.${guess ? ` Did you mean '${guess}'?` : ''} Options: ${NAMES.join(', ')}.`);
    }
  }
  for (const [name, allowed] of Object.entries(CHOICES)) {
    const value = given[name];
    if (value !== undefined && !(allowed as readonly unknown[]).includes(value)) {
      fail(`${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}; got ${JSON.stringify(value)}.`);
    }
  }
  for (const name of FUNCTIONS) {
    if (given[name] !== undefined && typeof given[name] !== 'function') fail(`${name} must be a function.`);
  }
  const { headers, timeout = 10_000 } = options;
  if (headers !== undefined && typeof headers !== 'function') {
    if (!headers || typeof headers !== 'object' || Array.isArray(headers)) fail('headers must be an object of strings or a function returning one.');
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string') fail(`headers['${name}'] must be a string; got a value of type ${typeof value}.`);
    }
  }
  // setTimeout's limit; a larger value would fire at once.
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= 2_147_483_647)) fail('timeout is milliseconds, from 1 to 2147483647.');
  if (!options.fetch && typeof fetch !== 'function') fail('no global fetch: pass options.fetch.');
  return {
    ...options,
    method: options.method ?? 'GET',
    credentials: options.credentials ?? 'include',
    // Called through the global each time: a detached `window.fetch` throws "Illegal invocation".
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timeout,
  };
}

// A bounded edit distance (typos, case ignored): a few lines here keep the package free of
// dependencies and its <script> build under 2 KB. The option names are far apart, so the first
// within two edits is the one meant.
function closest(input: string): string | undefined {
  return NAMES.find((name) => near(input.toLowerCase(), name.toLowerCase(), 2));
}

/** Whether a becomes b in at most `limit` single-character edits; work grows with limit, never with a long input. */
function near(a: string, b: string, limit: number): boolean {
  // Also ends the recursion: a negative limit is always exceeded.
  if (Math.abs(a.length - b.length) > limit) return false;
  if (a === b) return true;
  if (a[0] === b[0]) return near(a.slice(1), b.slice(1), limit);
  return near(a.slice(1), b, limit - 1) || near(a, b.slice(1), limit - 1) || near(a.slice(1), b.slice(1), limit - 1);
}
