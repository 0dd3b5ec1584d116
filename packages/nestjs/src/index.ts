export { ABLY_CHAT_AUTH_OPTIONS } from './ably-chat-auth.constants.js';
export { AblyTokenRoute, ChatGrants, ChatUserClaims } from './ably-chat-auth.decorators.js';
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
} from './ably-chat-auth.options.js';
export { AblyChatAuthService, type AblyChatAuthCallOptions } from './ably-chat-auth.service.js';
export { defaultResolveUser } from './ably-chat-auth.platform.js';
export { TokenRouteResponseException } from './ably-chat-auth.exceptions.js';
// What a NestJS app needs beside the module, so one import does.
export {
  AblyChatAuthError,
  DEFAULT_TOKEN_PATH,
  definePolicy,
  isAblyChatAuthError,
  isCrossSiteRequest,
  recordRateLimited,
  refusalResponse,
  room,
  rooms,
  type ChatPolicy,
  type IssuedToken,
  type TokenRoute,
  type TokenRouteResponse,
} from '@ably-chat-auth/core';
