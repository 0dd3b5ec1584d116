import { createServer } from 'node:http';
import { join } from 'node:path';
import { demoRedisKeys } from '@ably-chat-auth-examples/shared';
import { describeRedisExample, listenOnLoopback } from '@ably-chat-auth-examples/shared/testing';
import { createApp } from '../src/index';

// Sessions in createRedisSessionStore, limits in koa-ratelimit's Redis driver, against a real redis-server.
describeRedisExample('Koa', {
  start: (config, redis) => {
    const callback = createApp(config, { logger: false, redis }).callback();
    return listenOnLoopback(createServer((req, res) => void callback(req, res)));
  },
  serverEntry: join(__dirname, '..', 'src', 'server.ts'),
  sessionPrefix: demoRedisKeys('koa').sessions,
});
