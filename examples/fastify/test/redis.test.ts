import { join } from 'node:path';
import { demoRedisKeys } from '@ably-chat-auth-examples/shared';
import { describeRedisExample } from '@ably-chat-auth-examples/shared/testing';
import { createApp } from '../src/index';

// Sessions in connect-redis (through @fastify/session), limits in @fastify/rate-limit's Redis store, against a real redis-server.
describeRedisExample('Fastify', {
  start: async (config, redis) => {
    const app = await createApp(config, { logger: false, redis });
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl, close: () => app.close() };
  },
  serverEntry: join(__dirname, '..', 'src', 'server.ts'),
  sessionPrefix: demoRedisKeys('fastify').sessions,
});
