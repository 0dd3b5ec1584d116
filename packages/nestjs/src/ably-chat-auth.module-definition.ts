import { ConfigurableModuleBuilder, type DynamicModule } from '@nestjs/common';
import { ABLY_CHAT_AUTH_OPTIONS } from './ably-chat-auth.constants.js';
import { createTokenRouteController } from './ably-chat-auth.controller.js';
import { DEFAULT_EXTRAS, resolveExtras, type AblyChatAuthModuleExtras, type AblyChatAuthModuleOptions } from './ably-chat-auth.options.js';

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
