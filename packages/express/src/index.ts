export {
  createTokenHandler,
  createTokenMiddleware,
  defaultResolveUser,
  type ExpressTokenHandler,
  type ExpressTokenHandlerOptions,
  type ExpressTokenMiddlewareOptions,
} from './middleware.js';
// The writer of a core response (the token route's, or a refusal in front of it) to Express's `res`.
export { writeTokenRouteResponse } from '@ably-chat-auth/core/adapter';
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
