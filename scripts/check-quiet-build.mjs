// Fails when `pnpm install`, `pnpm build` or `pnpm start` print the warnings this repository has
// silenced on purpose, so that they cannot creep back:
// - tsup's "emitDecoratorMetadata enabled but @swc/core was not installed": no package needs
//   decorator metadata (the NestJS package names every injection token with @Inject), so every
//   tsconfig.build.json turns emitDecoratorMetadata off;
// - pnpm's "Ignored build scripts" box: each dependency with an install script is listed in
//   pnpm-workspace.yaml, under onlyBuiltDependencies (run) or ignoredBuiltDependencies (skipped).
//
//   node scripts/check-quiet-build.mjs
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const NOISE = [
  {
    pattern: /emitDecoratorMetadata|@swc\/core/,
    fix: 'set "emitDecoratorMetadata": false in that package\'s tsconfig.build.json, or add @swc/core if it really needs metadata',
  },
  {
    pattern: /Ignored build scripts|approve-builds/,
    fix: 'list the dependency in pnpm-workspace.yaml (onlyBuiltDependencies to run its script, ignoredBuiltDependencies to skip it); a node_modules installed before that entry keeps warning until reinstalled (rm -rf node_modules && pnpm install)',
  },
];

/** Runs `npx pnpm@10 ...args` and resolves with everything it printed; `until` ends it early (for a server). */
function pnpm(args, { env = {}, until } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npx', ['-y', 'pnpm@10', ...args], { cwd: root, env: { ...process.env, npm_config_yes: 'true', ...env }, detached: true });
    let output = '';
    let stopped = false;
    const stop = () => {
      stopped = true;
      process.kill(-child.pid, 'SIGTERM'); // the whole group: pnpm, tsx and the server
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`pnpm ${args.join(' ')} did not finish within 5 minutes\n${output}`));
    }, 300_000);
    const collect = (chunk) => {
      output += chunk;
      if (until && !stopped && until.test(output)) stop();
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && !stopped) reject(new Error(`pnpm ${args.join(' ')} exited with ${code}\n${output}`));
      else resolvePromise(output);
    });
  });
}

const steps = [
  { name: 'pnpm install --frozen-lockfile', run: () => pnpm(['install', '--frozen-lockfile']) },
  { name: 'pnpm build', run: () => pnpm(['build']) },
  // The example server, on a free port, until it says it listens.
  { name: 'pnpm start', run: () => pnpm(['start'], { env: { PORT: '0' }, until: /listening on http/ }) },
];

let failed = 0;
for (const step of steps) {
  const output = await step.run();
  const lines = output.split('\n');
  const found = NOISE.flatMap(({ pattern, fix }) => lines.filter((line) => pattern.test(line)).map((line) => `  ${line.trim()}\n    fix: ${fix}`));
  if (found.length === 0) {
    console.log(`ok: ${step.name} prints no known noise`);
  } else {
    failed++;
    console.error(`FAIL: ${step.name} printed:\n${found.join('\n')}`);
  }
}
console.log(`quiet build: ${steps.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
