import type { Config } from 'jest';
import { esmOnlyIgnorePatterns, esmOnlyTransform } from '../jest.esm-only';

// Browser tests: each example app in-process, driven by headless Chromium (playwright-core).
// Run with `pnpm test:e2e`; needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
const config: Config = {
  displayName: 'e2e',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.e2e.test.ts'],
  // One browser at a time: the machine is small and each test file launches Chromium.
  maxWorkers: 1,
  testTimeout: 60_000,
  // The page serves a bundle of @ably-chat-auth/client/session with ably and @ably/chat; build it from the sources.
  globalSetup: '<rootDir>/../examples/shared/scripts/ensure-chat-page.cjs',
  moduleNameMapper: {
    '^@ably-chat-auth/core$': '<rootDir>/../packages/core/src/index.ts',
    '^@ably-chat-auth/adapter-contract$': '<rootDir>/../packages/adapter-contract/src/index.ts',
    '^@ably-chat-auth/adapter-contract/(.*)$': '<rootDir>/../packages/adapter-contract/src/$1',
    '^@ably-chat-auth/core/(.*)$': '<rootDir>/../packages/core/src/$1',
    '^@ably-chat-auth/express$': '<rootDir>/../packages/express/src/index.ts',
    '^@ably-chat-auth/koa$': '<rootDir>/../packages/koa/src/index.ts',
    '^@ably-chat-auth/nestjs$': '<rootDir>/../packages/nestjs/src/index.ts',
    '^@ably-chat-auth/fastify$': '<rootDir>/../packages/fastify/src/index.ts',
    '^@ably-chat-auth/client$': '<rootDir>/../packages/client/src/index.ts',
    '^@ably-chat-auth/ably-stand-in$': '<rootDir>/../packages/ably-stand-in/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    ...esmOnlyTransform,
  },
  transformIgnorePatterns: esmOnlyIgnorePatterns(),
};

export default config;
