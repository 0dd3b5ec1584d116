export { createApp, SESSION_COOKIE, type FastifyExampleOptions } from './app.js';
export type { RateLimitStoreOptions } from './rate-limit.js';
export { createMemorySessionStore } from './memory-session-store.js';
