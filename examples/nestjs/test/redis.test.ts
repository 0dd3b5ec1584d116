import { join } from 'node:path';
import { listenNestApp } from '@ably-chat-auth/adapter-contract/testing';
import { demoRedisKeys } from '@ably-chat-auth-examples/shared';
import { describeRedisExample } from '@ably-chat-auth-examples/shared/testing';
import { createApp } from '../src/index';

// Sessions in connect-redis, the throttlers in @nest-lab/throttler-storage-redis, against a real redis-server.
describeRedisExample('NestJS', {
  start: async (config, redis) => listenNestApp(await createApp(config, { logger: false, redis })),
  serverEntry: join(__dirname, '..', 'src', 'server.ts'),
  sessionPrefix: demoRedisKeys('nestjs').sessions,
});
