export { ABLY_CHAT_AUTH_OPTIONS, DEFAULT_TOKEN_ROUTE_PATH } from './ably-chat-auth.constants.js';
export { AblyTokenRoute, ChatGrants } from './ably-chat-auth.decorators.js';
export { AblyChatAuthExceptionFilter } from './ably-chat-auth.filter.js';
export { AblyTokenRouteInterceptor } from './ably-chat-auth.interceptor.js';
export { AblyChatAuthModule } from './ably-chat-auth.module.js';
export type {
  AblyChatAuthModuleAsyncOptions,
  AblyChatAuthModuleExtras,
  AblyChatAuthModuleOptions,
  AblyChatAuthModuleRootOptions,
  AblyChatAuthOptionsFactory,
  TokenRouteGuard,
} from './ably-chat-auth.module-definition.js';
export { AblyChatAuthService } from './ably-chat-auth.service.js';
export { toTokenRouteRequest, userFromRequest, writeTokenRouteAnswer } from './http-platform.js';
// One import for an app: grants helpers, errors and token tools come with the adapter.
export * from '@ably-chat-auth/core';
