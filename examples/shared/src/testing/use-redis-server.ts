import { afterAll, beforeAll } from '@jest/globals';
import type { Redis } from 'ioredis';
import { connectRedis } from '../redis.js';
import { RedisServer } from './redis-server.js';

/** Getters for what {@link useRedisServer} starts; they throw when called before its beforeAll ran. */
export interface RedisDuringSuite {
  /** The redis-server (stop and restart it to test an outage). */
  readonly server: () => RedisServer;
  /** An ioredis client connected to it, as the examples connect (`connectRedis`, quiet). */
  readonly redis: () => Redis;
}

/**
 * Starts a real redis-server and connects a client in `beforeAll`, disconnects and stops it in
 * `afterAll`: call it in a `describe` block.
 *
 * @example
 * ```ts
 * import { useRedisServer } from '@ably-chat-auth-examples/shared/testing';
 *
 * describe('a store in Redis', () => {
 *   const { redis } = useRedisServer();
 *   test('reaches redis-server', async () => expect(await redis().ping()).toBe('PONG'));
 * });
 * ```
 */
export function useRedisServer(): RedisDuringSuite {
  let server: RedisServer | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    server = await RedisServer.start();
    redis = await connectRedis(server.url, { log: false });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  const notStarted = (): never => {
    throw new Error('useRedisServer(): its beforeAll has not run yet; call the getters inside a test or a hook.');
  };
  return { server: () => server ?? notStarted(), redis: () => redis ?? notStarted() };
}
