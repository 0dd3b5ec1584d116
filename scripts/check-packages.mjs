// Package checks on the tarballs users get: packs the publishable packages once with
// scripts/pack-packages.mjs (pnpm pack, no `workspace:` ranges), then runs publint and
// arethetypeswrong on those very tarballs, two packages at a time. Run `pnpm build` first.
//
//   node scripts/check-packages.mjs [packages/<dir> ...]     every publishable package by default
//     --pack-into <dir>   pack into <dir> and keep the tarballs there (CI hands them to the consumer test)
//     --tarballs <dir>    check the tarballs pack-packages.mjs already wrote to <dir> instead of packing
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { packPackages, packedTarballs, publishablePackages } from './pack-packages.mjs';

const root = resolve(import.meta.dirname, '..');

/**
 * attw's options for each package directory. `null`: publint only. A package not listed gets
 * attw's defaults (the strict profile, node10 resolution included).
 */
const attwOptions = {
  // Subpath exports (core/fetch, core/adapter) that node10 resolution cannot see, by design.
  core: ['--profile', 'node16'],
  // The same for client/session and client/react; ./iife is a <script> build with no types.
  client: ['--profile', 'node16', '--exclude-entrypoints', './iife'],
  // A command with nothing to import: no entry point for attw to resolve.
  cli: null,
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'pack-into': { type: 'string' }, tarballs: { type: 'string' } },
});
if (values['pack-into'] && values.tarballs) usage('give --pack-into <dir> or --tarballs <dir>, not both');

const dirs = positionals.length > 0 ? positionals.map(packageDir) : publishablePackages();
const scratch = values['pack-into'] || values.tarballs ? undefined : mkdtempSync(join(tmpdir(), 'ably-chat-auth-check-'));
try {
  const tarballs = values.tarballs ? packedTarballs(resolve(values.tarballs), dirs) : packPackages(resolve(values['pack-into'] ?? scratch), dirs);
  console.log(values.tarballs ? `checking the tarballs in ${values.tarballs}` : `packed with pnpm: ${Object.keys(tarballs).join(', ')}`);
  const byDir = dirs.map((dir) => ({ dir, name: manifest(dir).name }));
  const failed = await inPool(byDir, Math.min(2, availableParallelism()), async ({ dir, name }) => {
    const tarball = tarballs[name];
    const [lint, types] = await Promise.all([runPublint(tarball), runAttw(dir, tarball)]);
    console.log([`\n--- ${name} (packages/${dir})`, lint.report, types.report].filter(Boolean).join('\n'));
    return lint.ok && types.ok ? [] : [name];
  });
  if (failed.flat().length > 0) {
    console.error(`\npackage checks failed: ${failed.flat().join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log(`\npackage checks passed: publint on ${dirs.length} tarballs, attw on ${dirs.filter((dir) => attwOptions[dir] !== null).length}`);
  }
} finally {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

/** publint on the tarball, as its CLI would: every message printed, only errors fail. */
async function runPublint(tarball) {
  const data = readFileSync(tarball);
  const { messages, pkg } = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) } });
  const lines = messages.map((message) => `  ${message.type}: ${formatMessage(message, pkg)}`);
  return { ok: !messages.some((message) => message.type === 'error'), report: lines.length === 0 ? 'publint: all good' : ['publint:', ...lines].join('\n') };
}

/** attw's command line on the tarball, from the package's directory (where it would find an .attw.json). */
function runAttw(dir, tarball) {
  const options = attwOptions[dir] ?? [];
  if (attwOptions[dir] === null) return Promise.resolve({ ok: true, report: 'attw: not run (nothing to import)' });
  const args = [attwBin(), tarball, ...options];
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: join(root, 'packages', dir), maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const command = `attw ${basename(tarball)} ${options.join(' ')}`.trim();
      done({ ok: !error, report: `${command}${error ? ` (failed, exit code ${error.code})` : ''}:\n${stdout}${stderr}`.trimEnd() });
    });
  });
}

/** The file attw's `attw` command runs, started with this Node rather than through a shell shim. */
function attwBin() {
  const manifestPath = createRequire(import.meta.url).resolve('@arethetypeswrong/cli/package.json');
  return join(dirname(manifestPath), JSON.parse(readFileSync(manifestPath, 'utf8')).bin.attw);
}

/** Runs `task` over `items`, at most `limit` at once; resolves to the results in the items' order. */
async function inPool(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A package directory given on the command line (`packages/core`, or `.` inside it) as its name under packages/. */
function packageDir(path) {
  const dir = relative(join(root, 'packages'), resolve(path));
  if (!publishablePackages().includes(dir))
    usage(`${path} is not a publishable package directory under packages/ (one of: ${publishablePackages().join(', ')})`);
  return dir;
}

function usage(message) {
  console.error(`check-packages: ${message}`);
  process.exit(2);
}

function manifest(dir) {
  return JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
}
