import type { Config } from 'jest';
import { esmOnlyIgnorePatterns, esmOnlyTransform } from './jest.esm-only';

// Workspace packages are resolved to their TypeScript sources, so tests never need a prior build.
const moduleNameMapper = {
  '^@ably-chat-auth/core$': '<rootDir>/../../packages/core/src/index.ts',
  '^@ably-chat-auth/core/(.*)$': '<rootDir>/../../packages/core/src/$1',
  '^@ably-chat-auth/express$': '<rootDir>/../../packages/express/src/index.ts',
  '^@ably-chat-auth/koa$': '<rootDir>/../../packages/koa/src/index.ts',
  '^@ably-chat-auth/fastify$': '<rootDir>/../../packages/fastify/src/index.ts',
  '^@ably-chat-auth/nestjs$': '<rootDir>/../../packages/nestjs/src/index.ts',
  '^@ably-chat-auth/client$': '<rootDir>/../../packages/client/src/index.ts',
  '^@ably-chat-auth/client/(session|react)$': '<rootDir>/../../packages/client/src/$1/index.ts',
  '^@ably-chat-auth/ably-stand-in$': '<rootDir>/../../packages/ably-stand-in/src/index.ts',
  '^@ably-chat-auth/adapter-contract$': '<rootDir>/../../packages/adapter-contract/src/index.ts',
  '^@ably-chat-auth/adapter-contract/(.*)$': '<rootDir>/../../packages/adapter-contract/src/$1',
  // Sources import siblings with explicit `.js` endings (NodeNext); map them back to `.ts`.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const transform: Config['transform'] = {
  // Type-checking is `pnpm typecheck`'s job; tests transpile only (tsconfig has isolatedModules).
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.json' }],
  ...esmOnlyTransform,
};

function project(dir: string, displayName: string): Config {
  return {
    displayName,
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
    moduleNameMapper,
    transform,
    transformIgnorePatterns: esmOnlyIgnorePatterns(),
  };
}

/**
 * The Next.js example's route handlers, called directly with Fetch `Request`s. iron-session and
 * its dependencies ship only ES modules, so ts-jest compiles them to CommonJS like the sources.
 */
function nextjsProject(): Config {
  return {
    ...project('examples/nextjs', 'example-nextjs'),
    transformIgnorePatterns: esmOnlyIgnorePatterns(['iron-session', 'iron-webcrypto', 'uint8array-extras', 'cookie']),
  };
}

const config: Config = {
  // The demo page serves a bundle of @ably-chat-auth/client/session with ably and @ably/chat; build it from the sources.
  globalSetup: '<rootDir>/examples/shared/scripts/ensure-chat-page.cjs',
  projects: [
    project('packages/core', 'core'),
    project('packages/express', 'express'),
    project('packages/koa', 'koa'),
    project('packages/fastify', 'fastify'),
    project('packages/nestjs', 'nestjs'),
    project('packages/adapter-contract', 'adapter-contract'),
    project('packages/cli', 'cli'),
    project('packages/client', 'client'),
    project('packages/ably-stand-in', 'ably-stand-in'),
    project('examples/shared', 'examples'),
    project('examples/express', 'example-express'),
    project('examples/koa', 'example-koa'),
    project('examples/nestjs', 'example-nestjs'),
    project('examples/hono', 'example-hono'),
    project('examples/fastify', 'example-fastify'),
    project('examples/workers', 'example-workers'),
    nextjsProject(),
    // Every ```ts block of every Markdown file, type-checked as its own strict module.
    {
      displayName: 'docs',
      rootDir: '.',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/docs/**/*.test.ts'],
      // The drift checks read the option-name lists from the packages' sources.
      moduleNameMapper: {
        '^@ably-chat-auth/core$': '<rootDir>/packages/core/src/index.ts',
        '^@ably-chat-auth/core/(.*)$': '<rootDir>/packages/core/src/$1',
        '^(\\.{1,2}/.*)\\.js$': '$1',
      },
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }], ...esmOnlyTransform },
      transformIgnorePatterns: esmOnlyIgnorePatterns(),
    },
  ],
};

export default config;
