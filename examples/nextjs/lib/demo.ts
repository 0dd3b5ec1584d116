/*
 * The shared demo kit, imported file by file: its index also loads the shared page's asset table,
 * which resolves files on disk with `require.resolve` and `__dirname` when it is loaded, and a
 * bundler rewrites both. This app renders its own page, so it needs only these parts.
 */
export { demoClientId, demoPolicy, demoUserClaims, type DemoUser } from '@ably-chat-auth-examples/shared/src/policy';
export { validateUsername } from '@ably-chat-auth-examples/shared/src/username';
export { parseLoginBody, type LoginBody } from '@ably-chat-auth-examples/shared/src/login-username';
export { crossSiteRefusal } from '@ably-chat-auth-examples/shared/src/cross-site';
export { rateLimitKey } from '@ably-chat-auth-examples/shared/src/rate-limit-key';
export { DEV_API_KEY, DemoConfigError, loadDemoConfig, startupNotices, type DemoConfig } from '@ably-chat-auth-examples/shared/src/config';
export {
  RedisUnavailableError,
  STORE_RETRY_AFTER_SECONDS,
  connectRedis,
  demoRedisKeys,
  isStoreUnavailableError,
  storeUnavailableResponse,
} from '@ably-chat-auth-examples/shared/src/redis';
