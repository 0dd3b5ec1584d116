export { createApp, SESSION_COOKIE, type FastifyExampleOptions, type RateLimitStoreOptions } from './app.js';
export { createMemorySessionStore } from './memory-session-store.js';
