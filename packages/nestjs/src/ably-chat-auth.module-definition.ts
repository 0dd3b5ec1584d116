import { ConfigurableModuleBuilder, type CanActivate, type DynamicModule, type Type } from '@nestjs/common';
import { AblyChatAuthError, type TokenRouteAdapterOptions } from '@ably-chat-auth/core';
import { createTokenRouteController } from './ably-chat-auth.controller.js';
import { ABLY_CHAT_AUTH_OPTIONS, DEFAULT_TOKEN_ROUTE_PATH } from './ably-chat-auth.constants.js';

/**
 * The token route's options: core's (`apiKey`, `policy`, `ttl`, `hooks`, `logger`...), with
 * `resolveUser` defaulting to `req.user`. The resolver and the policy get the platform's request
 * (Express `Request` or `FastifyRequest`).
 *
 * @example
 * const options: AblyChatAuthModuleOptions<AppUser> = {
 *   apiKey: process.env.ABLY_API_KEY!,
 *   policy: (user) => ({ lobby: 'all', [`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 * };
 */
// `any` defaults let `policy: (user: AppUser) => ...` type-check without a cast.
export type AblyChatAuthModuleOptions<User = any, Req = any> = TokenRouteAdapterOptions<User, Req>;

/** A guard for the built-in route: a guard class (resolved in this module) or an instance. */
export type TokenRouteGuard = Type<CanActivate> | CanActivate;

/**
 * Settings of the module itself, given beside the options to `forRoot` and `forRootAsync` (never
 * returned by the async factory: they shape the module before any provider exists).
 */
export interface AblyChatAuthModuleExtras {
  /** Register the module globally, so any module can inject `AblyChatAuthService`. Default `false`. */
  isGlobal?: boolean;
  /** Path of the built-in route, under the app's global prefix. Default `'ably-token'`. */
  path?: string;
  /** Guards run before the built-in route (e.g. `AuthGuard('jwt')`); their 401/403 leave in Ably's error shape. */
  guards?: TokenRouteGuard[];
  /** `false`: no built-in route, only `AblyChatAuthService` (and the decorators). Default `true`. */
  mountRoute?: boolean;
}

const DEFAULT_EXTRAS: Required<AblyChatAuthModuleExtras> = {
  isGlobal: false,
  path: DEFAULT_TOKEN_ROUTE_PATH,
  guards: [],
  mountRoute: true,
};

function invalid(message: string): AblyChatAuthError {
  return new AblyChatAuthError('ERR_INVALID_OPTIONS', `AblyChatAuthModule: ${message}`);
}

/** Checks the extras when `forRoot`/`forRootAsync` is called, i.e. when the app module is declared. */
function resolveExtras(extras: AblyChatAuthModuleExtras): Required<AblyChatAuthModuleExtras> {
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

export const {
  ConfigurableModuleClass: ConfigurableAblyChatAuthModule,
  OPTIONS_TYPE: ABLY_CHAT_AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ABLY_CHAT_AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AblyChatAuthModuleOptions>({ moduleName: 'AblyChatAuth', optionsInjectionToken: ABLY_CHAT_AUTH_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createAblyChatAuthOptions')
  .setExtras<AblyChatAuthModuleExtras>(DEFAULT_EXTRAS, (definition, extras): DynamicModule => {
    const { isGlobal, path, guards, mountRoute } = resolveExtras(extras);
    return { ...definition, global: isGlobal, controllers: mountRoute ? [createTokenRouteController(path, guards)] : [] };
  })
  .build();

/** What `AblyChatAuthModule.forRoot()` takes: the options and the module's extras. */
export type AblyChatAuthModuleRootOptions = typeof ABLY_CHAT_AUTH_OPTIONS_TYPE;

/** What `AblyChatAuthModule.forRootAsync()` takes: `imports`, `inject`, `useFactory` | `useClass` | `useExisting`, and the extras. */
export type AblyChatAuthModuleAsyncOptions = typeof ABLY_CHAT_AUTH_ASYNC_OPTIONS_TYPE;

/**
 * The class behind `forRootAsync({ useClass })` / `({ useExisting })`.
 *
 * @example
 * @Injectable()
 * class AblyConfig implements AblyChatAuthOptionsFactory {
 *   constructor(@Inject(ConfigService) private readonly config: ConfigService) {}
 *   createAblyChatAuthOptions() {
 *     return { apiKey: this.config.getOrThrow('ABLY_API_KEY'), policy: { lobby: 'all' } };
 *   }
 * }
 */
export interface AblyChatAuthOptionsFactory {
  createAblyChatAuthOptions(): AblyChatAuthModuleOptions | Promise<AblyChatAuthModuleOptions>;
}
