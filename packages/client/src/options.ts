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
  if (typeof url !== 'string' || url === '') fail("the first argument is the token route's URL, e.g. '/api/ably-token'.");
  if (typeof options !== 'object' || options === null) fail('options must be an object.');
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
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) fail('headers must be an object of strings or a function returning one.');
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string') fail(`headers['${name}'] must be a string; got a value of type ${typeof value}.`);
    }
  }
  // setTimeout's limit; a larger value would fire at once.
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= 2_147_483_647))
    fail('timeout is milliseconds: a number from 1 to 2147483647 (default 10000).');
  if (!options.fetch && typeof fetch !== 'function') fail('there is no global fetch here; pass options.fetch.');
  return {
    ...options,
    method: options.method ?? 'GET',
    credentials: options.credentials ?? 'include',
    // Called through the global each time: a detached `window.fetch` throws "Illegal invocation".
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timeout,
  };
}

// A small edit distance: a few lines here keep the package free of dependencies and under 2 KB.
function closest(input: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of NAMES) {
    let prev = Array.from({ length: name.length + 1 }, (_, i) => i);
    for (let i = 1; i <= input.length; i++) {
      const cur = [i];
      for (let j = 1; j <= name.length; j++) {
        cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (input[i - 1]!.toLowerCase() === name[j - 1]!.toLowerCase() ? 0 : 1));
      }
      prev = cur;
    }
    if (prev[name.length]! < bestDistance) {
      bestDistance = prev[name.length]!;
      best = name;
    }
  }
  return best;
}
