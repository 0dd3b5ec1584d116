// Consumer smoke test: packs every publishable package with pnpm, as `pnpm release` publishes
// them (and fails if a packed package.json keeps a `workspace:` range), installs the tarballs into
// a fresh project with npm (as a user would, frameworks from the registry), then imports them as CJS and
// ESM from JavaScript and type-checks TypeScript consumers in both module systems. It catches
// packaging mistakes (exports maps, missing files, types) that tests against the sources cannot.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmEnv, packPackages } from '../scripts/pack-packages.mjs';

const packages = ['core', 'express', 'koa', 'fastify', 'nestjs', 'cli', 'client'];
const work = mkdtempSync(join(tmpdir(), 'ably-chat-auth-consumer-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: npmEnv() });

try {
  const packed = packPackages(tarballs, packages);
  console.log(`packed with pnpm, no workspace: range in any package.json: ${Object.keys(packed).join(', ')}`);
  const files = Object.fromEntries(Object.entries(packed).map(([name, tarball]) => [name, `file:${tarball}`]));
  const app = join(work, 'app');
  mkdirSync(app);
  const manifest = {
    name: 'consumer',
    private: true,
    dependencies: {
      ...files,
      express: '^5.1.0',
      koa: '^3.0.0',
      fastify: '^5.0.0',
      '@nestjs/common': '^11.1.0',
      '@nestjs/core': '^11.1.0',
      '@nestjs/platform-express': '^11.1.0',
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.2',
      ably: '^2.28.0',
      typescript: '5.9.3',
      '@types/node': '^20.19.0',
      '@types/express': '^5.0.3',
      '@types/koa': '^3.0.0',
    },
    // The adapters depend on core by version; point that at the packed core, not the registry.
    overrides: { '@ably-chat-auth/core': files['@ably-chat-auth/core'] },
  };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
  cpSync(join(import.meta.dirname, 'fixtures'), app, { recursive: true });
  // The same consumer, compiled once as CommonJS (.ts) and once as ESM (.mts).
  cpSync(join(app, 'consumer.ts'), join(app, 'consumer.mts'));
  // @opentelemetry/api is an optional peer of core: npm does not install it, and core must load without it.
  if (existsSync(join(app, 'node_modules', '@opentelemetry', 'api')))
    throw new Error('@opentelemetry/api was installed; the consumers below must run without it');
  console.log(run('node', ['use.cjs'], app).trim());
  console.log(run('node', ['use.mjs'], app).trim());
  console.log(run('node', ['use-iife.cjs'], app).trim());
  console.log(run('node', ['one-core.cjs'], app).trim());
  console.log(run('node', ['one-core.mjs'], app).trim());
  run('npx', ['tsc', '-p', 'tsconfig.cjs.json'], app);
  console.log('TypeScript consumer (module node16, CommonJS): types resolve and check');
  run('npx', ['tsc', '-p', 'tsconfig.esm.json'], app);
  console.log('TypeScript consumer (module node16, ESM): types resolve and check');
  // With the optional peer and an SDK installed, both builds find the API and record.
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '@opentelemetry/api@^1.10.0', '@opentelemetry/sdk-metrics@^3.1.1'], app);
  console.log(run('node', ['use-telemetry.cjs'], app).trim());
  console.log(run('node', ['use-telemetry.mjs'], app).trim());
  const version = run('npx', ['ably-chat-auth', '--version'], app).trim();
  console.log(`CLI binary installed: ably-chat-auth ${version}`);
  typesWithoutNode(files);
  console.log('consumer smoke test: 11 passed, 0 failed');
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * What a Workers or Deno project sees: every core entry's and the client's declarations compile
 * with `"types": []`, no @types/node installed at all, under the TypeScript `npm install typescript`
 * gives today.
 */
function typesWithoutNode(files) {
  const project = join(work, 'types-only');
  mkdirSync(project);
  const dependencies = {
    '@ably-chat-auth/core': files['@ably-chat-auth/core'],
    '@ably-chat-auth/client': files['@ably-chat-auth/client'],
    typescript: 'latest',
  };
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'types-only', private: true, type: 'module', dependencies }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
  if (existsSync(join(project, 'node_modules', '@types', 'node'))) throw new Error('@types/node was installed; this check must run without it');
  cpSync(join(import.meta.dirname, 'fixtures', 'types-only'), project, { recursive: true });
  const typescript = run('npx', ['tsc', '--version'], project).trim();
  run('npx', ['tsc', '-p', 'tsconfig.json'], project);
  console.log(`TypeScript consumer without @types/node ("types": [], ${typescript}): core, core/fetch, core/adapter and client declarations check`);
}
