export {
  createTokenHandler,
  createTokenMiddleware,
  userFromState,
  DEFAULT_TOKEN_PATH,
  type KoaTokenContext,
  type KoaTokenHandlerOptions,
  type KoaTokenMiddleware,
  type KoaTokenMiddlewareOptions,
} from './token-middleware.js';
// One import for an app: grants helpers, errors and token tools come with the adapter.
export * from '@ably-chat-auth/core';
