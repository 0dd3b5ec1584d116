export { createApp, SESSION_COOKIE, type HonoExampleOptions } from './app.js';
export { clientAddress } from './client-address.js';
export type { HonoExampleEnv, RateLimitStore } from './rate-limit.js';
export { createRedisRateLimitStore } from './redis-rate-limit-store.js';
export { createRedisSessionStore } from './redis-session-store.js';
export { createMemorySessionStore, type SessionData, type SessionStore } from './session-store.js';
export { createSessions, type Sessions, type SessionsOptions } from './sessions.js';
