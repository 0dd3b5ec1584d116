import type { Config } from 'jest';
import { esmOnlyIgnorePatterns, esmOnlyTransform } from '../jest.esm-only';

// Stress tests: soak (autocannon), fuzz (fast-check) and fault injection against every adapter on a
// real socket. Run with `pnpm test:stress`; see stress/README.md for the knobs (STRESS_SOAK_SECONDS,
// STRESS_FUZZ_RUNS, STRESS_SEED).
const config: Config = {
  displayName: 'stress',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.stress.test.ts'],
  // One file at a time: the figures mean something only when the test owns the machine.
  maxWorkers: 1,
  testTimeout: 120_000,
  // The frameworks are the adapter packages' devDependencies (pnpm keeps them there, not at the
  // root); resolve them from there so the stress suite runs the very copies the adapters test with.
  modulePaths: [
    '<rootDir>/../packages/express/node_modules',
    '<rootDir>/../packages/koa/node_modules',
    '<rootDir>/../packages/fastify/node_modules',
    '<rootDir>/../packages/nestjs/node_modules',
  ],
  moduleNameMapper: {
    '^@ably-chat-auth/core$': '<rootDir>/../packages/core/src/index.ts',
    '^@ably-chat-auth/core/(.*)$': '<rootDir>/../packages/core/src/$1',
    '^@ably-chat-auth/express$': '<rootDir>/../packages/express/src/index.ts',
    '^@ably-chat-auth/koa$': '<rootDir>/../packages/koa/src/index.ts',
    '^@ably-chat-auth/fastify$': '<rootDir>/../packages/fastify/src/index.ts',
    '^@ably-chat-auth/nestjs$': '<rootDir>/../packages/nestjs/src/index.ts',
    '^@ably-chat-auth/adapter-contract$': '<rootDir>/../packages/adapter-contract/src/index.ts',
    '^@ably-chat-auth/adapter-contract/(.*)$': '<rootDir>/../packages/adapter-contract/src/$1',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    ...esmOnlyTransform,
  },
  transformIgnorePatterns: esmOnlyIgnorePatterns(),
};

export default config;
