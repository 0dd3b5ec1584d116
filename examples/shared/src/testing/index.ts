/*
 * The demo contract as a Jest kit, for the examples' own test suites (like
 * @ably-chat-auth/adapter-contract for the adapters). Test-only: import it as
 * `@ably-chat-auth-examples/shared/testing`, never from an example's runtime code.
 */
export { describeDemoExample, serveDuringSuite, type DemoExampleOptions, type RunningDemoApp, type StartDemoApp, type SuiteApp } from './demo-contract.js';
export { DemoClient } from './client.js';
export { ServerProcess } from './server-process.js';
// Serves an http.Server on 127.0.0.1:<random port> and returns `{ baseUrl, close }`, a RunningDemoApp.
export { listenOnLoopback } from '@ably-chat-auth/adapter-contract';
export { RedisServer, freePort } from './redis-server.js';
export { describeRedisExample, type RedisExampleOptions } from './redis-contract.js';
export { useRedisServer, type RedisDuringSuite } from './use-redis-server.js';
