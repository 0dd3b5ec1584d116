import type { CanActivate, ConfigurableModuleAsyncOptions, Type } from '@nestjs/common';
import type { TokenRouteAdapterOptions } from '@ably-chat-auth/core/adapter';

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
// `Req = any`: the platform's request type is the app's choice (Express or Fastify).
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
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- public API: `Req` defaults to `any` so an app reads its platform's request without a cast
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
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- public API: `Req` defaults to `any` so an app reads its platform's request without a cast
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
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- public API: `Req` defaults to `any` so an app reads its platform's request without a cast
export interface AblyChatAuthOptionsFactory<User = unknown, Req = any> {
  createAblyChatAuthOptions(): AblyChatAuthModuleOptions<User, Req> | Promise<AblyChatAuthModuleOptions<User, Req>>;
}
