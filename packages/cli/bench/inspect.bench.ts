/* How long `ably-chat-auth inspect` takes on the largest token it accepts (128 KiB), against the
 * budget: at most twice core's decodeAblyToken of the same token plus a bare process start
 * (`node -e 0`). Every figure is a median of interleaved runs (the machine is shared and noisy);
 * peak memory (max RSS) comes from /usr/bin/time where it exists. Needs the built CLI and core
 * (`pnpm build`). Exit code 1 when a shape is over budget. The last line is one JSON object.
 * Also shown: the CLI's fixed cost (`--version`: loading the bundled CLI and core), and the work that
 * depends on the token (inspect minus that), which is what redaction and the limits bound. */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAX_TOKEN_INPUT_BYTES } from '../src/input';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CLI_DIR = path.resolve(__dirname, '..');
const CLI = path.join(CLI_DIR, 'dist/cli.js');
const CORE = path.resolve(CLI_DIR, '../core/dist/index.js');
const TIME = '/usr/bin/time';
const KEY_NAME = 'benchApp.benchKey';
const SECRET = 'YmVuY2gtc2VjcmV0LW5vdC1yZWFsLWFibHkta2V5LXZhbHVl';

if (!existsSync(CLI) || !existsSync(CORE)) {
  console.error('Build first: npx --yes pnpm@10 build (the bench runs dist/cli.js and core/dist).');
  process.exit(2);
}

const b64url = (text: string) => Buffer.from(text).toString('base64url');

function sign(claims: Record<string, unknown>): string {
  const body = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: KEY_NAME }))}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

/** The largest token of a shape within the CLI's limit: `grow(n)` builds it with n units of padding. */
function largest(grow: (n: number) => string): string {
  let low = 0;
  let high = MAX_TOKEN_INPUT_BYTES;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (grow(mid).length <= MAX_TOKEN_INPUT_BYTES) low = mid;
    else high = mid - 1;
  }
  return grow(low);
}

const iat = Math.floor(Date.now() / 1000);
const SHAPES: Record<string, string> = {
  // Many rooms: the most work for the capability explanation and the tables.
  many_rooms: largest((n) => {
    const capability: Record<string, string[]> = { lobby: ['publish', 'subscribe'] };
    for (let i = 0; i < Math.floor(n / 40); i++) capability[`team-${i}:room-${i}`] = ['publish', 'subscribe', 'history', 'presence'];
    return sign({ 'x-ably-capability': JSON.stringify(capability), 'x-ably-clientId': 'alice', iat, exp: iat + 3600 });
  }),
  // One large claim of base64-like text: the most for the secret scan and the decoder.
  large_claim: largest((n) =>
    sign({ 'x-ably-capability': '{"lobby":["publish","subscribe"]}', 'x-ably-clientId': 'alice', iat, exp: iat + 3600, data: 'QUJD'.repeat(n >> 2) }),
  ),
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Wall time of one process, in ms, and its max RSS in MiB when /usr/bin/time is there. */
function timed(args: string[], input?: string): { ms: number; rssMiB: number | undefined } {
  const useTime = existsSync(TIME);
  const command = useTime ? TIME : process.execPath;
  const argv = useTime ? ['-f', 'maxrss_kib=%M', process.execPath, ...args] : args;
  const start = performance.now();
  const child = spawnSync(command, argv, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  const rss = /maxrss_kib=(\d+)/.exec(child.stderr)?.[1];
  return { ms, rssMiB: rss === undefined ? undefined : round(Number(rss) / 1024) };
}

const dir = mkdtempSync(path.join(tmpdir(), 'cli-bench-'));
// Cold decode: a fresh process loads core (not timed), then decodes the token once (timed).
const decodeScript = path.join(dir, 'decode.cjs');
writeFileSync(
  decodeScript,
  `const { decodeAblyToken } = require(${JSON.stringify(CORE)});
const token = require('node:fs').readFileSync(process.argv[2], 'utf8');
const start = performance.now();
decodeAblyToken(token);
const cold = performance.now() - start;
const t = performance.now();
for (let i = 0; i < 20; i++) decodeAblyToken(token);
process.stdout.write(JSON.stringify({ cold, warm: (performance.now() - t) / 20 }));`,
);

const report: Record<string, unknown> = { rounds: ROUNDS, limit_bytes: MAX_TOKEN_INPUT_BYTES };
let over = false;
try {
  const starts: number[] = [];
  const versions: number[] = [];
  const samples: Record<string, { inspect: number[]; json: number[]; explain: number[]; cold: number[]; warm: number[]; rss: number[] }> = {};
  for (const shape of Object.keys(SHAPES)) samples[shape] = { inspect: [], json: [], explain: [], cold: [], warm: [], rss: [] };
  const files: Record<string, string> = {};
  for (const [shape, token] of Object.entries(SHAPES)) writeFileSync((files[shape] = path.join(dir, `${shape}.jwt`)), token);

  for (let r = 0; r < ROUNDS; r++) {
    starts.push(timed(['-e', '0']).ms);
    versions.push(timed([CLI, '--version']).ms);
    for (const [shape, token] of Object.entries(SHAPES)) {
      const s = samples[shape]!;
      const decode = spawnSync(process.execPath, [decodeScript, files[shape]!], { encoding: 'utf8' });
      const { cold, warm } = JSON.parse(decode.stdout) as { cold: number; warm: number };
      s.cold.push(cold);
      s.warm.push(warm);
      const inspect = timed([CLI, 'inspect', '-'], token);
      s.inspect.push(inspect.ms);
      if (inspect.rssMiB !== undefined) s.rss.push(inspect.rssMiB);
      s.json.push(timed([CLI, 'inspect', '-', '--json'], token).ms);
      s.explain.push(timed([CLI, 'explain', '-', '--room', 'lobby'], token).ms);
    }
  }
  const start = median(starts);
  const fixed = median(versions);
  report.process_start_ms = round(start);
  report.cli_version_ms = round(fixed);
  console.log(`process start (node -e 0): ${round(start)} ms; the CLI's fixed cost (ably-chat-auth --version): ${round(fixed)} ms; medians of ${ROUNDS}`);
  for (const [shape, s] of Object.entries(samples)) {
    const cold = median(s.cold);
    const budget = 2 * cold + start;
    const inspect = median(s.inspect);
    const ok = inspect <= budget;
    over ||= !ok;
    const figures = {
      token_bytes: SHAPES[shape]!.length,
      decode_cold_ms: round(cold),
      decode_warm_ms: round(median(s.warm)),
      inspect_ms: round(inspect),
      inspect_json_ms: round(median(s.json)),
      explain_all_features_ms: round(median(s.explain)),
      inspect_max_rss_mib: s.rss.length > 0 ? median(s.rss) : null,
      budget_ms: round(budget),
      within_budget: ok,
      token_work_ms: round(inspect - fixed),
    };
    report[shape] = figures;
    console.log(
      `${shape} (${figures.token_bytes} bytes): decodeAblyToken ${figures.decode_cold_ms} ms cold / ${figures.decode_warm_ms} ms warm; ` +
        `inspect ${figures.inspect_ms} ms (--json ${figures.inspect_json_ms} ms, explain ${figures.explain_all_features_ms} ms), ` +
        `max RSS ${figures.inspect_max_rss_mib ?? '?'} MiB; budget 2 x ${figures.decode_cold_ms} + ${round(start)} = ${figures.budget_ms} ms: ${ok ? 'within' : 'OVER'}; ` +
        `inspect minus --version: ${figures.token_work_ms} ms`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
process.exitCode = over ? 1 : 0;
