import { createServer } from 'node:http';
import { join } from 'node:path';
import { demoRedisKeys } from '@ably-chat-auth-examples/shared';
import { describeRedisExample, listenOnLoopback } from '@ably-chat-auth-examples/shared/testing';
import { createApp } from '../src/index';

// Sessions in connect-redis, limits in rate-limit-redis, against a real redis-server.
describeRedisExample('Express', {
  start: (config, redis) => listenOnLoopback(createServer(createApp(config, { logger: false, redis }))),
  serverEntry: join(__dirname, '..', 'src', 'server.ts'),
  sessionPrefix: demoRedisKeys('express').sessions,
});
