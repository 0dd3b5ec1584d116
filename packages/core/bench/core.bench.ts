/* Issuing speed: core vs a hand-built HS256 JWT (the ceiling) vs jsonwebtoken given a string
 * secret on every call (the naive way most token routes are written), and core on its WebCrypto
 * path (what Workers, the edge and browsers run) in the same process. Core is the built CommonJS
 * output (`npm install` users run it; run `pnpm build` first), not the sources through tsx, whose
 * per-module export getters add a cost that no user pays. Rounds are interleaved and medians
 * reported, as the machine is shared and noisy. The last line is one JSON object. */
import { createHmac } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import type * as Core from '../src/index';

const KEY_NAME = 'benchApp.benchKey';
const SECRET = 'YmVuY2gtc2VjcmV0LW5vdC1yZWFsLWFibHkta2V5LXZhbHVl';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 300);

const DIST = join(__dirname, '..', 'dist');
const SRC = join(__dirname, '..', 'src');
const newest = (dir: string) => Math.max(...readdirSync(dir).map((file) => statSync(join(dir, file)).mtimeMs));
if (!existsSync(join(DIST, 'index.js')) || newest(SRC) > statSync(join(DIST, 'index.js')).mtimeMs) {
  throw new Error('packages/core/dist is missing or older than src/: run `npx --yes pnpm@10 --filter @ably-chat-auth/core build` first.');
}

/**
 * An issuer from a fresh instance of the built core. With `webCrypto`, the instance loads and
 * builds its key while `process.getBuiltinModule` hides node:crypto, so it signs with
 * crypto.subtle as on Workers, the edge and browsers (core picks the HMAC backend on first use).
 */
function issuerOfFreshCore({ webCrypto }: { webCrypto: boolean }): Core.TokenIssuer {
  for (const id of Object.keys(require.cache)) if (id.startsWith(DIST)) delete require.cache[id];
  const original = Object.getOwnPropertyDescriptor(process, 'getBuiltinModule')!;
  const getBuiltinModule = process.getBuiltinModule.bind(process);
  if (webCrypto) process.getBuiltinModule = (id: string) => (id === 'node:crypto' ? undefined : getBuiltinModule(id));
  try {
    const core = createRequire(__filename)(join(DIST, 'index.js')) as typeof Core;
    return core.createTokenIssuer({ apiKey: `${KEY_NAME}:${SECRET}` });
  } finally {
    Object.defineProperty(process, 'getBuiltinModule', original);
  }
}

// A realistic three-room policy: what every request compiles.
const grantsFor = (user: string) => ({
  lobby: 'all' as const,
  announcements: ['receive', 'history', 'occupancy'] as const,
  [`dms:${user}:*`]: ['send', 'receive', 'history', 'typing', 'presence'] as const,
});

const webCryptoIssuer = issuerOfFreshCore({ webCrypto: true });
const issuer = issuerOfFreshCore({ webCrypto: false });
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: KEY_NAME }));

function rawHs256(user: string): string {
  const iat = Math.floor(Date.now() / 1000) - 30;
  const capability = `{"announcements":["channel-metadata","history","subscribe"],"dms:${user}:*":["history","presence","publish","subscribe"],"lobby":["annotation-publish","annotation-subscribe","channel-metadata","history","message-delete-own","message-update-own","presence","publish","subscribe"]}`;
  const body = b64url(JSON.stringify({ iat, exp: iat + 3600, 'x-ably-capability': capability, 'x-ably-clientId': user }));
  const sig = createHmac('sha256', SECRET).update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${sig}`;
}

function naive(user: string): string {
  return jwt.sign({ 'x-ably-capability': JSON.stringify(grantsFor(user)), 'x-ably-clientId': user }, SECRET, {
    algorithm: 'HS256',
    keyid: KEY_NAME,
    expiresIn: '1h',
  });
}

type Runner = () => Promise<number>;
const users = Array.from({ length: 64 }, (_, i) => `user-${i}`);

function syncRunner(fn: (user: string) => string): Runner {
  return () => {
    let n = 0;
    const end = performance.now() + ROUND_MS;
    while (performance.now() < end) for (let i = 0; i < 64; i++, n++) fn(users[i]!);
    return Promise.resolve(n);
  };
}

// core and raw run back to back in every round, so each round's core/raw ratio compares the two
// under the same load; the ratio reported is the median of those per-round ratios.
const runners: Record<string, Runner> = {
  core: async () => {
    let n = 0;
    const end = performance.now() + ROUND_MS;
    while (performance.now() < end) for (let i = 0; i < 64; i++, n++) await issuer.issue({ clientId: users[i]!, grants: grantsFor(users[i]!) });
    return n;
  },
  raw_hs256: syncRunner(rawHs256),
  core_webcrypto: async () => {
    let n = 0;
    const end = performance.now() + ROUND_MS;
    while (performance.now() < end) for (let i = 0; i < 64; i++, n++) await webCryptoIssuer.issue({ clientId: users[i]!, grants: grantsFor(users[i]!) });
    return n;
  },
  naive_jsonwebtoken: syncRunner(naive),
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Sample {
  /** Tokens per second of elapsed time. */
  wall: number;
  /** Tokens per second of this process's CPU time (user + system, every thread): what a busy, shared machine disturbs least. */
  cpu: number;
}

async function main(): Promise<void> {
  for (const run of Object.values(runners)) await run(); // warm-up
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(runners).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(runners)) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const ops = await run();
      const wallSeconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      samples[name]!.push({ wall: ops / wallSeconds, cpu: ops / ((cpu.user + cpu.system) / 1e6) });
    }
  }
  const ops = (name: string, kind: keyof Sample) => Math.round(median(samples[name]!.map((sample) => sample[kind])));
  const ratio = (kind: keyof Sample) => Number(median(samples.core!.map((sample, round) => sample[kind] / samples.raw_hs256![round]![kind])).toFixed(3));
  const line = (label: string, name: string) =>
    console.log(
      `  ${label.padEnd(40)} ${ops(name, 'wall').toLocaleString('en').padStart(8)} tokens/s   ${ops(name, 'cpu').toLocaleString('en').padStart(8)} per CPU-second`,
    );
  console.log(`node ${process.version}, the built core, ${ROUNDS} interleaved rounds of ${ROUND_MS} ms, medians:`);
  line('core (3-room policy compiled per token)', 'core');
  line('hand-built HS256 (node:crypto)', 'raw_hs256');
  line('core on WebCrypto (crypto.subtle)', 'core_webcrypto');
  line('jsonwebtoken, string secret per call', 'naive_jsonwebtoken');
  console.log(`  core / hand-built: ${ratio('wall')} by elapsed time, ${ratio('cpu')} by CPU time (medians of per-round ratios)`);
  console.log(
    JSON.stringify({
      core_ops_per_s: ops('core', 'wall'),
      core_webcrypto_ops_per_s: ops('core_webcrypto', 'wall'),
      raw_hs256_ops_per_s: ops('raw_hs256', 'wall'),
      naive_jsonwebtoken_ops_per_s: ops('naive_jsonwebtoken', 'wall'),
      ratio_core_to_raw: ratio('wall'),
      ratio_core_to_raw_cpu: ratio('cpu'),
    }),
  );
}

void main();
