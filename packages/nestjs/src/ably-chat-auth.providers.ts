import type { Provider } from '@nestjs/common';
import type { TokenRoute } from '@ably-chat-auth/core';
import { createAdapterTokenRoute } from '@ably-chat-auth/core/adapter';
import { ABLY_CHAT_AUTH_OPTIONS, ABLY_CHAT_AUTH_TOKEN_ROUTE } from './ably-chat-auth.constants.js';
import type { AblyChatAuthModuleOptions } from './ably-chat-auth.interfaces.js';
import { defaultResolveUser } from './ably-chat-auth.platform.js';
import { FACTORY_MISPLACED_NAMES, MODULE_EXTRA_NAMES, ROOT_MISPLACED_NAMES } from './ably-chat-auth.options.js';

/** Which call gave the options: `forRoot` (its own object, less the module settings Nest takes out) or the `forRootAsync` factory. */
export type ModuleOptionsSource = 'forRoot' | 'forRootAsync';

/**
 * The core token route, built (and so validated) once, at startup. Core's check of the option
 * names is the only one they get: for `forRoot` the module settings are known names too (Nest has
 * taken them out, so only a misspelling of one is left to suggest them for); for what the
 * `forRootAsync` factory returned they are misplaced, as a setting there would be silently ignored.
 */
export function createModuleTokenRoute(options: AblyChatAuthModuleOptions, source: ModuleOptionsSource): TokenRoute {
  return createAdapterTokenRoute(
    options,
    source === 'forRoot'
      ? { factoryName: 'AblyChatAuthModule.forRoot', defaultResolveUser, adapterOptionNames: MODULE_EXTRA_NAMES, misplacedOptions: ROOT_MISPLACED_NAMES }
      : { factoryName: 'AblyChatAuthModule (what the forRootAsync factory returned)', defaultResolveUser, misplacedOptions: FACTORY_MISPLACED_NAMES },
  );
}

/** The provider of the core route, for the module that `forRoot` or `forRootAsync` returns. */
export function tokenRouteProvider(source: ModuleOptionsSource): Provider {
  return {
    provide: ABLY_CHAT_AUTH_TOKEN_ROUTE,
    useFactory: (options: AblyChatAuthModuleOptions) => createModuleTokenRoute(options, source),
    inject: [ABLY_CHAT_AUTH_OPTIONS],
  };
}
