// Consumer smoke test: packs every publishable package with pnpm, as `pnpm release` publishes
// them (and fails if a packed package.json keeps a `workspace:` range), installs the tarballs into
// fresh projects with npm (as a user would, frameworks from the registry), then imports them as CJS and
// ESM from JavaScript and type-checks TypeScript consumers in both module systems. It catches
// packaging mistakes (exports maps, missing files, types) that tests against the sources cannot.
//
//   node test-consumer/run.mjs [--tarballs <dir>]
//     --tarballs <dir>   use the tarballs scripts/pack-packages.mjs wrote to <dir> in this run (CI packs once)
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { npmEnv, packPackages, packedManifest, packedTarballs } from '../scripts/pack-packages.mjs';

const packages = ['core', 'express', 'koa', 'fastify', 'nestjs', 'cli', 'client'];
const fixtures = join(import.meta.dirname, 'fixtures');
const { values } = parseArgs({ options: { tarballs: { type: 'string' } } });
const work = mkdtempSync(join(tmpdir(), 'ably-chat-auth-consumer-'));
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

try {
  const packed = values.tarballs ? packedTarballs(resolve(values.tarballs), packages) : packPackages(join(work, 'tarballs'), packages);
  console.log(
    values.tarballs
      ? `the tarballs in ${values.tarballs}, packed with pnpm, no workspace: range in any package.json: ${Object.keys(packed).join(', ')} (at ${seconds()})`
      : `packed with pnpm, no workspace: range in any package.json: ${Object.keys(packed).join(', ')} (at ${seconds()})`,
  );
  // npm runs below with --ignore-scripts (the frameworks' install scripts only print adverts), so
  // a packed package must not need one of its own to work.
  for (const tarball of Object.values(packed)) {
    const { name, scripts = {} } = packedManifest(tarball);
    const install = ['preinstall', 'install', 'postinstall'].filter((script) => script in scripts);
    if (install.length > 0) throw new Error(`${name} has ${install.join(', ')} scripts; this test installs with --ignore-scripts and would skip them`);
  }
  const files = Object.fromEntries(Object.entries(packed).map(([name, tarball]) => [name, `file:${tarball}`]));

  // Three projects, installed at once: npm spends much of an install waiting on the registry.
  const app = project('app', {
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
  });
  // core with its optional peer and an SDK installed: kept apart from the app, which must run without them.
  const telemetry = project('telemetry', {
    dependencies: { '@ably-chat-auth/core': files['@ably-chat-auth/core'], '@opentelemetry/api': '^1.10.0', '@opentelemetry/sdk-metrics': '^3.1.1' },
  });
  // What a Workers or Deno project sees: no @types/node at all, the TypeScript `npm install typescript` gives today.
  const typesOnly = project('types-only', {
    type: 'module',
    dependencies: { '@ably-chat-auth/core': files['@ably-chat-auth/core'], '@ably-chat-auth/client': files['@ably-chat-auth/client'], typescript: 'latest' },
  });
  await Promise.all([app, telemetry, typesOnly].map((dir) => run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'], dir)));
  console.log(`installed with npm into three fresh projects: the app, core with OpenTelemetry, types without @types/node (at ${seconds()})`);

  cpSync(fixtures, app, { recursive: true });
  // The same consumer, type-checked as CommonJS (.ts) and as ESM (.mts).
  cpSync(join(app, 'consumer.ts'), join(app, 'consumer.mts'));
  for (const file of ['use-telemetry.cjs', 'use-telemetry.mjs']) cpSync(join(fixtures, file), join(telemetry, file));
  cpSync(join(fixtures, 'types-only'), typesOnly, { recursive: true });
  // @opentelemetry/api is an optional peer of core: npm does not install it, and core must load without it.
  if (existsSync(join(app, 'node_modules', '@opentelemetry', 'api')))
    throw new Error('@opentelemetry/api was installed; the consumers below must run without it');
  if (existsSync(join(typesOnly, 'node_modules', '@types', 'node'))) throw new Error('@types/node was installed; this check must run without it');

  const tsc = (dir) => join(dir, 'node_modules', '.bin', 'tsc');
  // Independent checks, two at a time; the slowest (the type-checks) first. Each returns the line it prints.
  const checks = [
    async () => {
      await run(tsc(app), ['-p', 'tsconfig.json'], app);
      return 'TypeScript consumers (module node16, CommonJS consumer.ts and ESM consumer.mts): types resolve and check';
    },
    async () => {
      const [typescript] = await Promise.all([run(tsc(typesOnly), ['--version'], typesOnly), run(tsc(typesOnly), ['-p', 'tsconfig.json'], typesOnly)]);
      return `TypeScript consumer without @types/node ("types": [], ${typescript}): core, core/fetch, core/adapter and client declarations check`;
    },
    () => run(process.execPath, ['use.cjs'], app),
    () => run(process.execPath, ['use.mjs'], app),
    () => run(process.execPath, ['use-iife.cjs'], app),
    () => run(process.execPath, ['one-core.cjs'], app),
    () => run(process.execPath, ['one-core.mjs'], app),
    () => run(process.execPath, ['use-telemetry.cjs'], telemetry),
    () => run(process.execPath, ['use-telemetry.mjs'], telemetry),
    // The installed bin link, as `npx ably-chat-auth` would run it.
    async () => `CLI binary installed: ably-chat-auth ${await run(join(app, 'node_modules', '.bin', 'ably-chat-auth'), ['--version'], app)}`,
  ];
  const results = await inPool(checks, Math.min(2, availableParallelism()));
  for (const result of results) console.log(result.status === 'fulfilled' ? result.value : `FAILED: ${result.reason.message}`);
  const failed = results.filter((result) => result.status === 'rejected').length;
  console.log(`consumer smoke test: ${results.length - failed} passed, ${failed} failed (in ${seconds()})`);
  if (failed > 0) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** A fresh npm project under the work directory with this package.json; returns its directory. */
function project(name, manifest) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, ...manifest }, null, 2));
  return dir;
}

/** Runs a command to the end; resolves to its trimmed output, rejects with the command, its exit and its output. */
function run(command, args, cwd) {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd, env: npmEnv(), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return done(stdout.trim());
      const output = `${stdout}${stderr}`.trim();
      fail(new Error(`${command} ${args.join(' ')} in ${cwd} failed (${error.code ?? error.signal})${output ? `:\n${output}` : ''}`));
    });
  });
}

/** Runs the `tasks`, at most `limit` at once; resolves to their settled results in the tasks' order. */
async function inPool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]().then(
        (value) => ({ status: 'fulfilled', value }),
        (reason) => ({ status: 'rejected', reason }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
