export { createApp } from './app.js';
export { AppModule, DEMO_CONFIG, type NestExampleOptions } from './app.module.js';
export { SESSION_COOKIE } from './demo-session.js';
