export { createApp } from './app.js';
export { AppModule, type NestExampleOptions } from './app.module.js';
export { SESSION_COOKIE } from './demo-session.js';
export { DEMO_CONFIG } from './token-route.js';
