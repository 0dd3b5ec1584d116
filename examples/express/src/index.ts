export { createApp, SESSION_COOKIE, type ExpressExampleOptions } from './app.js';
