export {
  createTokenHandler,
  createTokenMiddleware,
  writeTokenRouteResponse,
  defaultResolveUser,
  type KoaTokenContext,
  type KoaTokenHandler,
  type KoaTokenHandlerOptions,
  type KoaTokenMiddlewareOptions,
} from './token-middleware.js';
// What a Koa app needs beside the middleware, so one import does.
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
  type ChatGrants,
  type ChatPolicy,
  type IssuedToken,
  type TokenRoute,
  type TokenRouteResponse,
} from '@ably-chat-auth/core';
