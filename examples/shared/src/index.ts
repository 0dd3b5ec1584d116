export { DEMO_ADMIN, DEMO_BANNED, demoClientId, demoDisplayName, demoPolicy, demoUserClaims, type DemoUser } from './policy.js';
export { USERNAME_PATTERN, validateUsername, type UsernameCheck } from './username.js';
export { crossSiteRefusal, type CrossSiteRefusal } from './cross-site.js';
export {
  DEV_API_KEY,
  MAX_TRUST_PROXY_HOPS,
  DemoConfigError,
  createDemoConfig,
  devKeyBanner,
  loadDemoConfig,
  loadDemoConfigOrExit,
  redactedRedisUrl,
  startupNotices,
  type DemoConfig,
  type DemoConfigInput,
} from './config.js';
export { CHAT_PAGE_HEADERS, DEMO_ROUTES, chatPageAssets, renderChatPage, type ChatPageOptions, type StaticAsset } from './page.js';
export {
  STORE_RETRY_AFTER_SECONDS,
  RedisUnavailableError,
  connectRedis,
  connectRedisOrExit,
  demoRedisKeys,
  isStoreUnavailableError,
  storeUnavailableResponse,
  type RedisConnectOptions,
  type RedisLog,
} from './redis.js';
export { serveMetricsOrExit, startMetricsServer, type MetricsServer } from './metrics.js';
export { closeHttpServer, closeOnSignals, listenFailureMessage } from './shutdown.js';
export { ExpiringMap } from './expiring-map.js';
export { RATE_LIMIT_IPV6_SUBNET, rateLimitKey } from './rate-limit-key.js';
export { MAX_LOGIN_BODY_BYTES, readLoginBody } from './login-body.js';
export { parseLoginBody, type LoginBody } from './login-username.js';
