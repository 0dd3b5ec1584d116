export { createApp, SESSION_COOKIE, type ExpressExampleOptions } from './app.js';
export { RecoveringRedisStore, createRedisRateLimitStore } from './redis-rate-limit-store.js';
