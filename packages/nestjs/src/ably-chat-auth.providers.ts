import type { Provider } from '@nestjs/common';
import type { TokenRoute } from '@ably-chat-auth/core';
import { createAdapterTokenRoute } from '@ably-chat-auth/core/adapter';
import { ABLY_CHAT_AUTH_OPTIONS, ABLY_CHAT_AUTH_TOKEN_ROUTE } from './ably-chat-auth.constants.js';
import type { AblyChatAuthModuleOptions } from './ably-chat-auth.interfaces.js';
import { defaultResolveUser } from './ably-chat-auth.platform.js';
import { FACTORY_MISPLACED_NAMES } from './ably-chat-auth.options.js';

/**
 * The core token route, built (and so validated) once, at startup, from what `forRoot` got (less
 * the extras Nest takes out) or what the `forRootAsync` factory returned: core's options only, as
 * a module setting or a typo there would be silently ignored.
 */
export function createModuleTokenRoute(options: AblyChatAuthModuleOptions): TokenRoute {
  return createAdapterTokenRoute(options, {
    factoryName: 'AblyChatAuthModule (what the forRootAsync factory returned)',
    defaultResolveUser,
    misplacedOptions: FACTORY_MISPLACED_NAMES,
  });
}

/** The module's providers besides the service: the core route. */
export const tokenRouteProvider: Provider = {
  provide: ABLY_CHAT_AUTH_TOKEN_ROUTE,
  useFactory: createModuleTokenRoute,
  inject: [ABLY_CHAT_AUTH_OPTIONS],
};
