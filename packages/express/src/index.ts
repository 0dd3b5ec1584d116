export {
  createTokenHandler,
  createTokenMiddleware,
  defaultResolveUser,
  type ExpressTokenHandler,
  type ExpressTokenHandlerOptions,
  type ExpressTokenMiddlewareOptions,
} from './middleware.js';
// What an Express app needs beside the middleware, so one import does.
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
