// `next build`, skipped when .next/BUILD_ID is newer than every file the build reads (the app, the
// shared demo kit and the built workspace packages), so `pnpm start:nextjs` and the browser test
// build once. Next.js has no such check of its own: `next build` always rebuilds.
//
//   node scripts/build.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const app = resolve(import.meta.dirname, '..');
const root = resolve(app, '..', '..');
const SOURCES = [
  ...['app', 'lib', 'instrumentation.ts', 'next.config.ts', 'tsconfig.build.json', 'package.json'].map((p) => join(app, p)),
  join(root, 'examples', 'shared', 'src'),
  join(root, 'examples', 'shared', 'public', 'chat-page.css'),
  join(root, 'packages', 'core', 'dist'),
  join(root, 'packages', 'client', 'dist'),
];

/** The newest modification time under `path` (0 when it does not exist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

const buildId = join(app, '.next', 'BUILD_ID');
for (const dist of ['core', 'client']) {
  if (!existsSync(join(root, 'packages', dist, 'dist'))) {
    console.error(`packages/${dist}/dist is missing: run pnpm build first (pnpm start:nextjs does).`);
    process.exit(1);
  }
}
if (!process.argv.includes('--force') && existsSync(buildId) && statSync(buildId).mtimeMs > Math.max(...SOURCES.map(newest))) {
  console.log('Next.js example: .next is up to date, skipping next build.');
  process.exit(0);
}

const started = Date.now();
const next = join(dirname(createRequire(import.meta.url).resolve('next/package.json')), 'dist', 'bin', 'next');
// webpack: Turbopack refuses the shared kit's TypeScript (ES module syntax in a "type": "commonjs" package).
const result = spawnSync(process.execPath, [next, 'build', '--webpack'], { cwd: app, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`Next.js example: next build took ${((Date.now() - started) / 1000).toFixed(1)} s.`);
