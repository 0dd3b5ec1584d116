// Packs the publishable packages with pnpm, which rewrites `workspace:` ranges to the versions
// they point at (npm pack would leave `workspace:^` in the tarball, uninstallable for users), and
// checks that no packed package.json still holds a `workspace:` range.
//
//   node scripts/pack-packages.mjs [destination]   (default: ./dist/packages; run `pnpm build` first)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(import.meta.dirname, '..');

/**
 * The environment for npm and npx run from a pnpm script: without the `npm_config_*` settings pnpm
 * passes down (npm warns about each one it does not know), and never prompting.
 */
export function npmEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_config_')));
  return { ...env, npm_config_yes: 'true' };
}

/** The directories under packages/ whose package.json is not private, sorted. */
export function publishablePackages() {
  return readdirSync(join(root, 'packages'))
    .filter((dir) => {
      try {
        return !JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).private;
      } catch {
        return false;
      }
    })
    .sort();
}

/** The package.json inside a tarball, as packed. */
export function packedManifest(tarball) {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

/** Throws when a dependency range of the packed manifest is still a `workspace:` range. */
export function assertNoWorkspaceRanges(tarball) {
  const manifest = packedManifest(tarball);
  const text = JSON.stringify(manifest);
  if (text.includes('workspace:')) {
    const fields = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];
    const ranges = fields.flatMap((field) =>
      Object.entries(manifest[field] ?? {})
        .filter(([, range]) => String(range).startsWith('workspace:'))
        .map(([name, range]) => `${field}.${name}: ${range}`),
    );
    throw new Error(`${manifest.name}: the packed package.json holds workspace: ranges (${ranges.join(', ') || 'see the manifest'}); pack with pnpm, not npm.`);
  }
  return manifest;
}

/**
 * Packs each package (directory names under packages/, default: every publishable one) into
 * `destination` with `pnpm pack`, checks every packed manifest, and returns the tarballs by package name.
 */
export function packPackages(destination, dirs = publishablePackages()) {
  mkdirSync(destination, { recursive: true });
  const tarballs = {};
  for (const dir of dirs) {
    // Each into an empty directory first, so that a tarball left by an earlier run is never mistaken for this one.
    const scratch = mkdtempSync(join(tmpdir(), 'ably-chat-auth-pack-'));
    try {
      execFileSync('npx', ['-y', 'pnpm@10', 'pack', '--pack-destination', scratch], {
        cwd: join(root, 'packages', dir),
        stdio: ['ignore', 'pipe', 'inherit'],
        env: npmEnv(),
      });
      const [file, ...others] = readdirSync(scratch).filter((name) => name.endsWith('.tgz'));
      if (!file || others.length > 0) throw new Error(`pnpm pack wrote ${others.length + (file ? 1 : 0)} tarballs for packages/${dir}, expected one`);
      const tarball = join(destination, file);
      copyFileSync(join(scratch, file), tarball);
      tarballs[assertNoWorkspaceRanges(tarball).name] = tarball;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return tarballs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const destination = resolve(process.argv[2] ?? join(root, 'dist', 'packages'));
  const tarballs = packPackages(destination);
  for (const [name, tarball] of Object.entries(tarballs)) console.log(`${name}: ${tarball}`);
  console.log(`${Object.keys(tarballs).length} packages packed into ${destination}, no workspace: ranges left`);
}
