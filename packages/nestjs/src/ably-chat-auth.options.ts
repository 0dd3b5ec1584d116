import type { CanActivate, ConfigurableModuleAsyncOptions, Type } from '@nestjs/common';
import { assertKnownOptions, DEFAULT_TOKEN_PATH, invalidOptions, TOKEN_ROUTE_OPTION_NAMES, type TokenRouteAdapterOptions } from '@ably-chat-auth/core/adapter';

/**
 * The token route's options: core's (`apiKey`, `policy`, `ttl`, `hooks`, `logger`...), with
 * `resolveUser` defaulting to `req.user`. The resolver and the policy get the platform's request
 * (Express `Request` or `FastifyRequest`; `Req` defaults to `any` so `req.session` needs no cast).
 * `User` defaults to `unknown`: name your user type (`AblyChatAuthModuleOptions<AppUser>`,
 * `forRoot<AppUser>(...)`) so that a typo such as `user.baned` fails to compile.
 *
 * @example
 * import { room, type AblyChatAuthModuleOptions } from '@ably-chat-auth/nestjs';
 * interface AppUser { id: string }
 * const options: AblyChatAuthModuleOptions<AppUser> = {
 *   apiKey: process.env.ABLY_API_KEY!,
 *   policy: (user) => ({ lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 * };
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- public API: `Req` defaults to `any` so an app reads its platform's request without a cast
export type AblyChatAuthModuleOptions<User = unknown, Req = any> = TokenRouteAdapterOptions<User, Req>;

/** A guard for the built-in route: a guard class (resolved in this module) or an instance. */
export type TokenRouteGuard = Type<CanActivate> | CanActivate;

/**
 * Settings of the module itself, given beside the options to `forRoot` and `forRootAsync` (never
 * returned by the async factory: they shape the module before any provider exists).
 */
export interface AblyChatAuthModuleExtras {
  /** Register the module globally, so any module can inject `AblyChatAuthService`. Default `false`. */
  isGlobal?: boolean;
  /**
   * Path of the built-in route, as on every adapter: default `'/api/ably-token'`. It goes under the
   * app's global prefix: with `app.setGlobalPrefix('api')` pass `path: 'ably-token'`.
   */
  path?: string;
  /** Guards run before the built-in route (e.g. `AuthGuard('jwt')`); their 401/403 leave in Ably's error shape. */
  guards?: TokenRouteGuard[];
  /** `false`: no built-in route, only `AblyChatAuthService` (and the decorators). Default `true`. */
  mountRoute?: boolean;
}

/**
 * What `AblyChatAuthModule.forRoot()` takes: the options and the module's extras, side by side.
 *
 * @example
 * import type { AblyChatAuthModuleRootOptions } from '@ably-chat-auth/nestjs';
 * interface AppUser { id: string }
 * const root: AblyChatAuthModuleRootOptions<AppUser> = { apiKey: process.env.ABLY_API_KEY!, policy: { lobby: 'all' }, isGlobal: true };
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- public API, as AblyChatAuthModuleOptions
export type AblyChatAuthModuleRootOptions<User = unknown, Req = any> = AblyChatAuthModuleOptions<User, Req> & AblyChatAuthModuleExtras;

/**
 * What `AblyChatAuthModule.forRootAsync()` takes: `imports`, `inject`, `useFactory` | `useClass` |
 * `useExisting`, and the extras. The factory returns {@link AblyChatAuthModuleOptions}.
 *
 * @example
 * import type { AblyChatAuthModuleAsyncOptions } from '@ably-chat-auth/nestjs';
 * interface AppUser { id: string }
 * const async: AblyChatAuthModuleAsyncOptions<AppUser> = {
 *   useFactory: () => ({ apiKey: process.env.ABLY_API_KEY!, policy: (user) => ({ lobby: user.id === 'root' ? 'moderator' : 'all' }) }),
 *   isGlobal: true,
 * };
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- public API, as AblyChatAuthModuleOptions
export type AblyChatAuthModuleAsyncOptions<User = unknown, Req = any> = ConfigurableModuleAsyncOptions<
  AblyChatAuthModuleOptions<User, Req>,
  'createAblyChatAuthOptions'
> &
  AblyChatAuthModuleExtras;

/**
 * The class behind `forRootAsync({ useClass })` / `({ useExisting })`.
 *
 * @example
 * import { Inject, Injectable } from '@nestjs/common';
 * import { ConfigService } from '@nestjs/config';
 * import type { AblyChatAuthModuleOptions, AblyChatAuthOptionsFactory } from '@ably-chat-auth/nestjs';
 * interface AppUser { id: string }
 * @Injectable()
 * class AblyConfig implements AblyChatAuthOptionsFactory<AppUser> {
 *   constructor(@Inject(ConfigService) private readonly config: ConfigService) {}
 *   createAblyChatAuthOptions(): AblyChatAuthModuleOptions<AppUser> {
 *     return { apiKey: this.config.getOrThrow('ABLY_API_KEY'), policy: { lobby: 'all' } };
 *   }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- public API, as AblyChatAuthModuleOptions
export interface AblyChatAuthOptionsFactory<User = unknown, Req = any> {
  createAblyChatAuthOptions(): AblyChatAuthModuleOptions<User, Req> | Promise<AblyChatAuthModuleOptions<User, Req>>;
}

export const DEFAULT_EXTRAS: Required<AblyChatAuthModuleExtras> = { isGlobal: false, path: DEFAULT_TOKEN_PATH, guards: [], mountRoute: true };

/** The module settings' names: beside the options in `forRoot`, beside `useFactory` in `forRootAsync`. */
export const MODULE_EXTRA_NAMES: readonly string[] = Object.keys(DEFAULT_EXTRAS);

/** What `forRootAsync` itself takes besides the extras (Nest's `ConfigurableModuleAsyncOptions`). */
const ASYNC_PROVIDER_NAMES: readonly string[] = ['imports', 'inject', 'useFactory', 'useClass', 'useExisting', 'provideInjectionTokensFrom'];

const each = (names: readonly string[], where: (name: string) => string): Record<string, string> =>
  Object.fromEntries(names.map((name) => [name, where(name)]));

/** Where `forRootAsync`'s own names belong when given to `forRoot`: said by core's single check of the route options. */
export const ROOT_MISPLACED_NAMES = each(ASYNC_PROVIDER_NAMES, (name) => `use forRootAsync({ ${name}, ... }) for options built by a provider.`);

/** Where the module settings belong when the `forRootAsync` factory (or `createAblyChatAuthOptions()`) returns one. */
export const FACTORY_MISPLACED_NAMES = each(
  MODULE_EXTRA_NAMES,
  (name) =>
    `module settings (${MODULE_EXTRA_NAMES.join(', ')}) shape the module before any provider runs, so the factory's would be ignored. Give it beside useFactory: forRootAsync({ useFactory, ${name}: ... }).`,
);

/** Where the token route options belong when given beside `useFactory`. */
const ASYNC_MISPLACED_NAMES = each(
  TOKEN_ROUTE_OPTION_NAMES,
  () => 'it is a token route option, ignored beside useFactory: return it from the factory (or createAblyChatAuthOptions()) instead.',
);

/** `forRootAsync(options)`: the provider (`useFactory` | `useClass` | `useExisting`, `inject`, `imports`) and the extras. */
export function checkAsyncOptionNames(options: object): void {
  assertKnownOptions(options, [...ASYNC_PROVIDER_NAMES, ...MODULE_EXTRA_NAMES], 'AblyChatAuthModule.forRootAsync', ASYNC_MISPLACED_NAMES);
}

const invalid = (message: string): Error => invalidOptions(`AblyChatAuthModule: ${message}`);

/** Checks the extras when `forRoot`/`forRootAsync` is called, i.e. when the app module is declared. */
export function resolveExtras(extras: AblyChatAuthModuleExtras): Required<AblyChatAuthModuleExtras> {
  const isGlobal = extras.isGlobal ?? DEFAULT_EXTRAS.isGlobal;
  const path = extras.path ?? DEFAULT_EXTRAS.path;
  const guards = extras.guards ?? DEFAULT_EXTRAS.guards;
  const mountRoute = extras.mountRoute ?? DEFAULT_EXTRAS.mountRoute;
  if (typeof isGlobal !== 'boolean') throw invalid('isGlobal must be a boolean.');
  if (typeof mountRoute !== 'boolean') throw invalid('mountRoute must be a boolean.');
  if (typeof path !== 'string' || path.trim() === '') {
    throw invalid(`path must be a non-empty string such as 'ably-token' (it goes under the app's global prefix).`);
  }
  if (!Array.isArray(guards)) throw invalid('guards must be an array of guard classes or guard instances.');
  guards.forEach((guard, index) => {
    const usable = typeof guard === 'function' || (typeof guard === 'object' && guard !== null && typeof guard.canActivate === 'function');
    if (!usable) throw invalid(`guards[${index}] is neither a guard class nor an object with canActivate().`);
  });
  return { isGlobal, path, guards, mountRoute };
}
