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
  startupNotices,
  type DemoConfig,
  type DemoConfigInput,
} from './config.js';
export { CHAT_PAGE_HEADERS, DEMO_ROUTES, chatPageAssets, renderChatPage, type ChatPageOptions, type StaticAsset } from './page.js';
export { serveMetricsOrExit, startMetricsServer, type MetricsServer } from './metrics.js';
