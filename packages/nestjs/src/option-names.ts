import { AblyChatAuthError } from '@ably-chat-auth/core';

/**
 * Option names of core's token route (`TokenIssuerOptions` + `TokenRouteOptions`), which is what
 * `forRoot` passes on and what the `forRootAsync` factory returns. `allowedOrigins` and
 * `allowPrivilegedOperations` are core options too, so they are never refused here.
 */
export const TOKEN_ROUTE_OPTION_NAMES: readonly string[] = [
  'apiKey',
  'ttl',
  'revocableTokens',
  'clockSkew',
  'allowWildcardClientId',
  'maxTokenBytes',
  'resolveUser',
  'policy',
  'clientId',
  'revocationKey',
  'claims',
  'responseFormat',
  'timeout',
  'hooks',
  'logger',
  'allowedOrigins',
  'allowPrivilegedOperations',
];

/** Settings of the module itself: beside the options in `forRoot`, beside `useFactory` in `forRootAsync`. */
export const MODULE_EXTRA_NAMES: readonly string[] = ['isGlobal', 'path', 'guards', 'mountRoute'];

/** What `forRootAsync` itself takes besides the extras (Nest's `ConfigurableModuleAsyncOptions`). */
export const ASYNC_PROVIDER_NAMES: readonly string[] = ['imports', 'inject', 'useFactory', 'useClass', 'useExisting', 'provideInjectionTokensFrom'];

/**
 * Edit distance, for "did you mean". Hand-written rather than a dependency: a dozen lines, run
 * only on a typo at startup, over names shorter than 30 characters.
 */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known name closest to `name` (case-insensitively), if it is close enough to be a typo of it. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  if (name.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function invalid(message: string, details: Record<string, unknown>): AblyChatAuthError {
  return new AblyChatAuthError('ERR_INVALID_OPTIONS', `AblyChatAuthModule: ${message}`, { details });
}

/** The name as it goes into a message: short and without control characters (it is the app's key, never a value). */
function shown(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}...` : name);
}

function unknownName(name: string, where: string, known: readonly string[], hint: string): AblyChatAuthError {
  const suggestion = closestName(name, known);
  const didYouMean = suggestion ? ` Did you mean '${suggestion}'?` : '';
  return invalid(`unknown option ${shown(name)} in ${where}; it would be ignored.${didYouMean} ${hint}`, { option: name, ...(suggestion ? { suggestion } : {}) });
}

/** `forRoot(options)`: core's options and the module's extras, side by side. */
export function checkRootOptionNames(options: object): void {
  const known = [...TOKEN_ROUTE_OPTION_NAMES, ...MODULE_EXTRA_NAMES];
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    if (ASYNC_PROVIDER_NAMES.includes(name)) {
      throw invalid(`forRoot does not take ${shown(name)}; use forRootAsync({ ${name}, ... }) for options built by a provider.`, { option: name });
    }
    throw unknownName(name, 'forRoot', known, `Known options: ${known.join(', ')}.`);
  }
}

/** `forRootAsync(options)`: the provider (`useFactory` | `useClass` | `useExisting`, `inject`, `imports`) and the extras. */
export function checkAsyncOptionNames(options: object): void {
  const known = [...ASYNC_PROVIDER_NAMES, ...MODULE_EXTRA_NAMES];
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    if (TOKEN_ROUTE_OPTION_NAMES.includes(name)) {
      throw invalid(`${shown(name)} is a token route option: forRootAsync ignores it beside useFactory; return it from the factory (or createAblyChatAuthOptions()) instead.`, { option: name });
    }
    throw unknownName(name, 'forRootAsync', known, `forRootAsync takes ${known.join(', ')}; the token route options go in what the factory returns.`);
  }
}

/**
 * What the `forRootAsync` factory (or `createAblyChatAuthOptions()`) returned, and what `forRoot`
 * leaves once Nest has taken the extras out: core's options only.
 */
export function checkFactoryOptionNames(options: object): void {
  for (const name of Object.keys(options)) {
    if (TOKEN_ROUTE_OPTION_NAMES.includes(name)) continue;
    if (MODULE_EXTRA_NAMES.includes(name)) {
      throw invalid(
        `${shown(name)} was returned by the forRootAsync factory, where it would be ignored: module settings (${MODULE_EXTRA_NAMES.join(', ')}) shape the module before any provider runs. Give it beside useFactory: forRootAsync({ useFactory, ${name}: ... }).`,
        { option: name },
      );
    }
    throw unknownName(name, 'what the forRootAsync factory returned', TOKEN_ROUTE_OPTION_NAMES, `Known options: ${TOKEN_ROUTE_OPTION_NAMES.join(', ')}.`);
  }
}
