// `next build`, skipped when the files the build reads (the app, the shared demo kit and the built
// workspace packages) have the same content as at the last build, so `pnpm start:nextjs` and the
// browser test build once. Next.js has no such check of its own: `next build` always rebuilds.
// Content, not modification times: `pnpm build` rewrites the packages' dist on every run.
//
//   node scripts/build.mjs [--force]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const app = resolve(import.meta.dirname, '..');
const root = resolve(app, '..', '..');
const SOURCES = [
  ...['app', 'lib', 'instrumentation.ts', 'next.config.ts', 'tsconfig.build.json', 'package.json'].map((p) => join(app, p)),
  join(root, 'examples', 'shared', 'src'),
  join(root, 'examples', 'shared', 'public', 'chat-page.css'),
  join(root, 'packages', 'core', 'dist'),
  join(root, 'packages', 'client', 'dist'),
];

/** Feeds every file under `path` (its path relative to the repository, then its bytes) to `hash`, in name order. */
function hashTree(hash, path) {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) {
    hash.update(`${relative(root, path)}\0`).update(readFileSync(path));
    return;
  }
  for (const name of readdirSync(path).sort()) hashTree(hash, join(path, name));
}

const buildId = join(app, '.next', 'BUILD_ID');
const stamp = join(app, '.next', 'sources.sha256');
for (const dist of ['core', 'client']) {
  if (!existsSync(join(root, 'packages', dist, 'dist'))) {
    console.error(`packages/${dist}/dist is missing: run pnpm build first (pnpm start:nextjs does).`);
    process.exit(1);
  }
}
const hash = createHash('sha256');
for (const source of SOURCES) hashTree(hash, source);
const sources = hash.digest('hex');
if (!process.argv.includes('--force') && existsSync(buildId) && existsSync(stamp) && readFileSync(stamp, 'utf8') === sources) {
  console.log('Next.js example: .next is up to date, skipping next build.');
  process.exit(0);
}

// A build that fails must not leave a stamp that a later run would trust.
rmSync(stamp, { force: true });
const started = Date.now();
const next = join(dirname(createRequire(import.meta.url).resolve('next/package.json')), 'dist', 'bin', 'next');
// webpack: Turbopack refuses the shared kit's TypeScript (ES module syntax in a "type": "commonjs" package).
const result = spawnSync(process.execPath, [next, 'build', '--webpack'], { cwd: app, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stamp, sources);
console.log(`Next.js example: next build took ${((Date.now() - started) / 1000).toFixed(1)} s.`);
