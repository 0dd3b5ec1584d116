import type { Server } from 'node:http';
import { join } from 'node:path';
import { demoRedisKeys } from '@ably-chat-auth-examples/shared';
import { describeRedisExample, listenOnLoopback } from '@ably-chat-auth-examples/shared/testing';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from '../src/index';

// Sessions in createRedisSessionStore, limits in hono-rate-limiter's RedisStore, against a real redis-server.
describeRedisExample('Hono', {
  start: (config, redis) => listenOnLoopback(createAdaptorServer({ fetch: createApp(config, { logger: false, redis }).fetch }) as Server),
  serverEntry: join(__dirname, '..', 'src', 'server.ts'),
  sessionPrefix: demoRedisKeys('hono').sessions,
});
