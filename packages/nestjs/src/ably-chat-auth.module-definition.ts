import { ConfigurableModuleBuilder, type DynamicModule } from '@nestjs/common';
import { DEFAULT_TOKEN_PATH, invalidOptions } from '@ably-chat-auth/core/adapter';
import { createTokenRouteController } from './ably-chat-auth.controller.js';
import { ABLY_CHAT_AUTH_OPTIONS } from './ably-chat-auth.constants.js';
import type { AblyChatAuthModuleExtras, AblyChatAuthModuleOptions } from './ably-chat-auth.interfaces.js';

const DEFAULT_EXTRAS: Required<AblyChatAuthModuleExtras> = {
  isGlobal: false,
  path: DEFAULT_TOKEN_PATH,
  guards: [],
  mountRoute: true,
};

function invalid(message: string): Error {
  return invalidOptions(`AblyChatAuthModule: ${message}`);
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
} = // `any` only inside: AblyChatAuthModule's own forRoot/forRootAsync are generic over the user type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  new ConfigurableModuleBuilder<AblyChatAuthModuleOptions<any>>({
    moduleName: 'AblyChatAuth',
    optionsInjectionToken: ABLY_CHAT_AUTH_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createAblyChatAuthOptions')
    .setExtras<AblyChatAuthModuleExtras>(DEFAULT_EXTRAS, (definition, extras): DynamicModule => {
      const { isGlobal, path, guards, mountRoute } = resolveExtras(extras);
      return { ...definition, global: isGlobal, controllers: mountRoute ? [createTokenRouteController(path, guards)] : [] };
    })
    .build();
