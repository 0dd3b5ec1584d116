import { Module, type DynamicModule } from '@nestjs/common';
import type { TokenRoute } from '@ably-chat-auth/core';
import { createAdapterTokenRoute, invalidOptions } from '@ably-chat-auth/core/adapter';
import { ABLY_CHAT_AUTH_OPTIONS } from './ably-chat-auth.constants.js';
import { ConfigurableAblyChatAuthModule } from './ably-chat-auth.module-definition.js';
import {
  checkAsyncOptionNames,
  FACTORY_MISPLACED_NAMES,
  MODULE_EXTRA_NAMES,
  ROOT_MISPLACED_NAMES,
  type AblyChatAuthModuleAsyncOptions,
  type AblyChatAuthModuleOptions,
  type AblyChatAuthModuleRootOptions,
} from './ably-chat-auth.options.js';
import { defaultResolveUser } from './ably-chat-auth.platform.js';
import { AblyChatAuthService } from './ably-chat-auth.service.js';

/** `Req` as written, never inferred (`NoInfer`, in a form older TypeScript reads too), so shared options typed for `unknown` requests keep `any`. */
type NotInferred<T> = [T][T extends unknown ? 0 : never];

/** Which call gave the options: `forRoot` (its own object, less the module settings Nest takes out) or the `forRootAsync` factory. */
type ModuleOptionsSource = 'forRoot' | 'forRootAsync';

/**
 * The core token route, built (and so validated, option names included) once, at startup. The
 * module settings are known names in `forRoot` (Nest took them out) and misplaced ones in what the
 * `forRootAsync` factory returned, where they would be ignored.
 */
export function createModuleTokenRoute(options: AblyChatAuthModuleOptions, source: ModuleOptionsSource): TokenRoute {
  return createAdapterTokenRoute(
    options,
    source === 'forRoot'
      ? { factoryName: 'AblyChatAuthModule.forRoot', defaultResolveUser, adapterOptionNames: MODULE_EXTRA_NAMES, misplacedOptions: ROOT_MISPLACED_NAMES }
      : { factoryName: 'AblyChatAuthModule (what the forRootAsync factory returned)', defaultResolveUser, misplacedOptions: FACTORY_MISPLACED_NAMES },
  );
}

/** The module Nest built, with the service wrapping the core route built from its options. */
function withService(module: DynamicModule, source: ModuleOptionsSource): DynamicModule {
  const service = {
    provide: AblyChatAuthService,
    useFactory: (options: AblyChatAuthModuleOptions) => new AblyChatAuthService(createModuleTokenRoute(options, source)),
    inject: [ABLY_CHAT_AUTH_OPTIONS],
  };
  return { ...module, providers: [...(module.providers ?? []), service] };
}

function requireObject(options: unknown, method: string, example: string): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOptions(`AblyChatAuthModule.${method} needs an options object, e.g. ${example}.`);
  }
}

/**
 * Serves an Ably Chat token route and provides {@link AblyChatAuthService}. Options are validated
 * when the app starts: a bad key, TTL or policy, or an option name the module does not know (or one
 * given where it would be ignored, with a "did you mean"), stops `NestFactory.create` with core's
 * message; a module setting with a bad value, or a `forRootAsync` name it does not know, stops the
 * `forRoot`/`forRootAsync` call itself.
 *
 * @example
 * import { Module } from '@nestjs/common';
 * import { AuthGuard } from '@nestjs/passport';
 * import { AblyChatAuthModule, room } from '@ably-chat-auth/nestjs';
 * interface AppUser { id: string }
 * @Module({
 *   imports: [
 *     AblyChatAuthModule.forRoot<AppUser>({
 *       apiKey: process.env.ABLY_API_KEY!,
 *       policy: (user) => ({ lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 *       guards: [AuthGuard('jwt')],
 *       isGlobal: true,
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * // GET/POST /api/ably-token (with app.setGlobalPrefix('api'), pass path: 'ably-token')
 */
@Module({ exports: [AblyChatAuthService, ABLY_CHAT_AUTH_OPTIONS] })
export class AblyChatAuthModule extends ConfigurableAblyChatAuthModule {
  /**
   * The module with options known when the app module is declared. `User` types the policy's
   * (and the hooks') user; without it the user is `unknown`, unless an annotated policy or
   * resolver says it. `Req` (default `any`) types the request they get; it is never inferred.
   *
   * @example
   * AblyChatAuthModule.forRoot<AppUser>({ apiKey, policy: (user) => (user.banned ? null : { lobby: 'all' }) });
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as in AblyChatAuthModuleOptions
  static override forRoot<User = unknown, Req = any>(options: AblyChatAuthModuleRootOptions<User, NotInferred<Req>>): DynamicModule {
    requireObject(options, 'forRoot', "forRoot({ apiKey: process.env.ABLY_API_KEY!, policy: { lobby: 'all' } })");
    return withService(super.forRoot(options), 'forRoot');
  }

  /**
   * The module with options built by a provider (`useFactory` with `inject`, `useClass`,
   * `useExisting`); the module settings (`path`, `guards`, `mountRoute`, `isGlobal`) go beside it.
   *
   * @example
   * AblyChatAuthModule.forRootAsync<AppUser>({
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ apiKey: config.getOrThrow('ABLY_API_KEY'), policy: (user) => ({ lobby: 'all' }) }),
   *   guards: [AuthGuard('jwt')],
   * });
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as in AblyChatAuthModuleOptions
  static override forRootAsync<User = unknown, Req = any>(options: AblyChatAuthModuleAsyncOptions<User, NotInferred<Req>>): DynamicModule {
    requireObject(options, 'forRootAsync', 'forRootAsync({ inject: [ConfigService], useFactory: (config) => ({ apiKey, policy }) })');
    checkAsyncOptionNames(options);
    return withService(super.forRootAsync(options), 'forRootAsync');
  }
}
