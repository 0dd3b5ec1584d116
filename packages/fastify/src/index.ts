import { ablyChatAuth } from './plugin.js';

export {
  ablyChatAuth,
  defaultResolveUser,
  writeTokenRouteResponse,
  type AblyChatAuthDecoration,
  type AblyChatAuthOptions,
  type AblyChatAuthPlugin,
  type FastifyRequestUser,
  type FastifyTokenPluginOptions,
} from './plugin.js';
// What a Fastify app needs beside the plugin, so one import does.
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
// `import ablyChatAuth from '@ably-chat-auth/fastify'`, as the official @fastify plugins allow.
export default ablyChatAuth;
