/* Cold start: how long `require('@ably-chat-auth/core')` (the built CommonJS entry) takes in a fresh
 * Node process, against `require('jsonwebtoken')` alone, which core's root entry used to load.
 * Each figure is timed inside its own fresh process (module loading only, not Node's own start),
 * the two interleaved, medians reported. Needs `pnpm build` first. The last line is one JSON object. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 10);
const coreEntry = join(__dirname, '..', 'dist', 'index.js');
if (!existsSync(coreEntry)) throw new Error(`${coreEntry} is missing: run \`npx --yes pnpm@10 build\` first.`);
const jsonwebtoken = require.resolve('jsonwebtoken');

/** Milliseconds `require(file)` takes in a fresh process. */
function timeRequire(file: string): number {
  const script = `const t = performance.now(); require(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (run.status !== 0) throw new Error(`require(${file}) failed: ${run.stderr}`);
  return Number(run.stdout);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const core: number[] = [];
const jwt: number[] = [];
timeRequire(coreEntry); // warm the file system cache
timeRequire(jsonwebtoken);
for (let i = 0; i < RUNS; i++) {
  core.push(timeRequire(coreEntry));
  jwt.push(timeRequire(jsonwebtoken));
}
const coreMs = Number(median(core).toFixed(1));
const jwtMs = Number(median(jwt).toFixed(1));
console.log(`node ${process.version}, ${RUNS} fresh processes each, interleaved, medians:`);
console.log(`  require('@ably-chat-auth/core')  ${coreMs} ms`);
console.log(`  require('jsonwebtoken')          ${jwtMs} ms`);
console.log(JSON.stringify({ core_require_ms: coreMs, jsonwebtoken_require_ms: jwtMs, ratio_core_to_jsonwebtoken: Number((coreMs / jwtMs).toFixed(3)) }));
