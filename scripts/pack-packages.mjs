// Packs the publishable packages with pnpm, which rewrites `workspace:` ranges to the versions
// they point at (npm pack would leave `workspace:^` in the tarball, uninstallable for users), and
// checks that no packed package.json still holds a `workspace:` range.
//
//   node scripts/pack-packages.mjs [destination]   (default: ./dist/packages; run `pnpm build` first)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
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
 * How to start pnpm: the pnpm running this script when a pnpm script started it (pnpm names itself
 * in `npm_execpath`), else `npx -y pnpm@10`. Each start through npx cost 2.3 to 11 s of CPU here
 * (npx resolves the `pnpm@10` range again every time); starting the running pnpm again costs 1 s.
 */
export function pnpmCommand() {
  const self = process.env.npm_execpath;
  if (self && /^pnpm\.c?js$/.test(basename(self))) return [process.execPath, [self]];
  return ['npx', ['-y', 'pnpm@10']];
}

/**
 * Packs each package (directory names under packages/, default: every publishable one) into
 * `destination` with one recursive `pnpm pack`, checks every packed manifest, and returns the
 * tarballs by package name.
 */
export function packPackages(destination, dirs = publishablePackages()) {
  mkdirSync(destination, { recursive: true });
  // Into an empty directory first, so that a tarball left by an earlier run is never mistaken for this one.
  const scratch = mkdtempSync(join(tmpdir(), 'ably-chat-auth-pack-'));
  try {
    const [command, prefix] = pnpmCommand();
    const filters = dirs.flatMap((dir) => ['--filter', `./packages/${dir}`]);
    const output = execFileSync(command, [...prefix, '--recursive', ...filters, 'pack', '--pack-destination', scratch, '--json'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      env: npmEnv(),
    });
    // One package packed prints one object, more print an array.
    const reported = [JSON.parse(output)].flat();
    const files = readdirSync(scratch).filter((name) => name.endsWith('.tgz'));
    if (reported.length !== dirs.length || files.length !== dirs.length)
      throw new Error(`pnpm pack wrote ${files.length} tarballs for ${dirs.length} packages (packages/${dirs.join(', packages/')}), expected one each`);
    const tarballs = {};
    for (const file of files) {
      const tarball = join(destination, file);
      copyFileSync(join(scratch, file), tarball);
      tarballs[assertNoWorkspaceRanges(tarball).name] = tarball;
    }
    return tarballs;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The tarballs `packPackages` left in `directory` earlier in this run, by package name, for the
 * packages in `dirs`: one per package, at the version its package.json has now, without
 * `workspace:` ranges. Lets one CI run pack once for the package checks and the consumer test.
 */
export function packedTarballs(directory, dirs = publishablePackages()) {
  const found = readdirSync(directory)
    .filter((name) => name.endsWith('.tgz'))
    .map((name) => ({ tarball: join(directory, name), manifest: packedManifest(join(directory, name)) }));
  const tarballs = {};
  for (const dir of dirs) {
    const { name, version } = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    const matching = found.filter(({ manifest }) => manifest.name === name && manifest.version === version).map(({ tarball }) => tarball);
    if (matching.length !== 1)
      throw new Error(
        `${directory} holds ${matching.length} tarballs of ${name}@${version}, expected one; pack with \`node scripts/pack-packages.mjs ${directory}\` after \`pnpm build\``,
      );
    assertNoWorkspaceRanges(matching[0]);
    tarballs[name] = matching[0];
  }
  return tarballs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const destination = resolve(process.argv[2] ?? join(root, 'dist', 'packages'));
  const tarballs = packPackages(destination);
  for (const [name, tarball] of Object.entries(tarballs)) console.log(`${name}: ${tarball}`);
  console.log(`${Object.keys(tarballs).length} packages packed into ${destination}, no workspace: ranges left`);
}
