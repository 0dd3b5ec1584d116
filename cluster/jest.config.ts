import type { Config } from 'jest';
import { esmOnlyIgnorePatterns, esmOnlyTransform } from '../jest.esm-only';

// Cluster test: redis-server plus two real processes of each example sharing it (REDIS_URL,
// SESSION_SECRET). Run with `pnpm test:cluster`; needs redis-server on the PATH (or REDIS_SERVER).
// Not part of `pnpm test`: it spawns many processes and owns ports for a while.
const config: Config = {
  displayName: 'cluster',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.cluster.test.ts'],
  // One example at a time: each test starts its own processes and stops Redis.
  maxWorkers: 1,
  testTimeout: 60_000,
  // The page the examples serve needs its bundle of @ably-chat-auth/client/session, ably and @ably/chat.
  globalSetup: '<rootDir>/../examples/shared/scripts/ensure-chat-page.cjs',
  moduleNameMapper: {
    '^@ably-chat-auth/core$': '<rootDir>/../packages/core/src/index.ts',
    '^@ably-chat-auth/core/(.*)$': '<rootDir>/../packages/core/src/$1',
    '^@ably-chat-auth/adapter-contract$': '<rootDir>/../packages/adapter-contract/src/index.ts',
    '^@ably-chat-auth/adapter-contract/(.*)$': '<rootDir>/../packages/adapter-contract/src/$1',
    '^@ably-chat-auth-examples/shared$': '<rootDir>/../examples/shared/src/index.ts',
    '^@ably-chat-auth-examples/shared/testing$': '<rootDir>/../examples/shared/testing.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    ...esmOnlyTransform,
  },
  transformIgnorePatterns: esmOnlyIgnorePatterns(),
};

export default config;
