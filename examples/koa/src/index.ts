export { createApp, SESSION_COOKIE, type DemoContext, type DemoSession, type KoaExampleOptions } from './app.js';
export { createMemorySessionStore, type SessionStore } from './memory-session-store.js';
export { createRedisSessionStore } from './redis-session-store.js';
