import { assertKnownOptions, TOKEN_ROUTE_OPTION_NAMES } from '@ably-chat-auth/core/adapter';

/** Settings of the module itself: beside the options in `forRoot`, beside `useFactory` in `forRootAsync`. */
export const MODULE_EXTRA_NAMES: readonly string[] = ['isGlobal', 'path', 'guards', 'mountRoute'];

/** What `forRootAsync` itself takes besides the extras (Nest's `ConfigurableModuleAsyncOptions`). */
export const ASYNC_PROVIDER_NAMES: readonly string[] = ['imports', 'inject', 'useFactory', 'useClass', 'useExisting', 'provideInjectionTokensFrom'];

function each(names: readonly string[], where: (name: string) => string): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, where(name)]));
}

/**
 * Where `forRootAsync`'s own names belong when given to `forRoot`: core's single check of the
 * route options says so instead of "unknown option".
 */
export const ROOT_MISPLACED_NAMES: Readonly<Record<string, string>> = each(
  ASYNC_PROVIDER_NAMES,
  (name) => `use forRootAsync({ ${name}, ... }) for options built by a provider.`,
);

/** `forRootAsync(options)`: the provider (`useFactory` | `useClass` | `useExisting`, `inject`, `imports`) and the extras. */
export function checkAsyncOptionNames(options: object): void {
  assertKnownOptions(
    options,
    [...ASYNC_PROVIDER_NAMES, ...MODULE_EXTRA_NAMES],
    'AblyChatAuthModule.forRootAsync',
    each(
      TOKEN_ROUTE_OPTION_NAMES,
      () => 'it is a token route option, ignored beside useFactory: return it from the factory (or createAblyChatAuthOptions()) instead.',
    ),
  );
}

/**
 * Where the module settings belong when the `forRootAsync` factory (or `createAblyChatAuthOptions()`)
 * returns one: core's single check of the route options says so instead of "unknown option".
 */
export const FACTORY_MISPLACED_NAMES: Readonly<Record<string, string>> = each(
  MODULE_EXTRA_NAMES,
  (name) =>
    `module settings (${MODULE_EXTRA_NAMES.join(', ')}) shape the module before any provider runs, so the factory's would be ignored. Give it beside useFactory: forRootAsync({ useFactory, ${name}: ... }).`,
);
