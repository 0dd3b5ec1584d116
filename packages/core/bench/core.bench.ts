/* Issuing speed: core vs a hand-built HS256 JWT (the ceiling) vs jsonwebtoken given a string
 * secret on every call (the naive way most token routes are written), and core on its WebCrypto
 * path (what Workers, the edge and browsers run) in the same process. Rounds are interleaved and
 * medians reported, as the machine is shared and noisy. The last line is one JSON object. */
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { useHmacBackend } from '../src/hmac';
import { createTokenIssuer } from '../src/index';

const KEY_NAME = 'benchApp.benchKey';
const SECRET = 'YmVuY2gtc2VjcmV0LW5vdC1yZWFsLWFibHkta2V5LXZhbHVl';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 300);

// A realistic three-room policy: what every request compiles.
const grantsFor = (user: string) => ({
  lobby: 'all' as const,
  announcements: ['receive', 'history', 'occupancy'] as const,
  [`dms:${user}:*`]: ['send', 'receive', 'history', 'typing', 'presence'] as const,
});

const issuer = createTokenIssuer({ apiKey: `${KEY_NAME}:${SECRET}` });
// Keys created while the WebCrypto backend is chosen keep it: this issuer signs with crypto.subtle.
useHmacBackend('webcrypto');
const webCryptoIssuer = createTokenIssuer({ apiKey: `${KEY_NAME}:${SECRET}` });
useHmacBackend('auto');
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

const runners: Record<string, Runner> = {
  core: async () => {
    let n = 0;
    const end = performance.now() + ROUND_MS;
    while (performance.now() < end) for (let i = 0; i < 64; i++, n++) await issuer.issue({ clientId: users[i]!, grants: grantsFor(users[i]!) });
    return n;
  },
  core_webcrypto: async () => {
    let n = 0;
    const end = performance.now() + ROUND_MS;
    while (performance.now() < end) for (let i = 0; i < 64; i++, n++) await webCryptoIssuer.issue({ clientId: users[i]!, grants: grantsFor(users[i]!) });
    return n;
  },
  raw_hs256: syncRunner(rawHs256),
  naive_jsonwebtoken: syncRunner(naive),
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  for (const run of Object.values(runners)) await run(); // warm-up
  const samples: Record<string, number[]> = { core: [], core_webcrypto: [], raw_hs256: [], naive_jsonwebtoken: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(runners)) {
      const started = performance.now();
      const ops = await run();
      samples[name]!.push(ops / ((performance.now() - started) / 1000));
    }
  }
  const core = Math.round(median(samples.core!));
  const raw = Math.round(median(samples.raw_hs256!));
  const webCrypto = Math.round(median(samples.core_webcrypto!));
  const naiveOps = Math.round(median(samples.naive_jsonwebtoken!));
  console.log(`node ${process.version}, ${ROUNDS} interleaved rounds of ${ROUND_MS} ms, medians:`);
  console.log(`  core (3-room policy compiled per token)  ${core.toLocaleString('en')} tokens/s`);
  console.log(`  core on WebCrypto (crypto.subtle)        ${webCrypto.toLocaleString('en')} tokens/s`);
  console.log(`  hand-built HS256 (node:crypto)           ${raw.toLocaleString('en')} tokens/s`);
  console.log(`  jsonwebtoken, string secret per call     ${naiveOps.toLocaleString('en')} tokens/s`);
  console.log(
    JSON.stringify({
      core_ops_per_s: core,
      core_webcrypto_ops_per_s: webCrypto,
      raw_hs256_ops_per_s: raw,
      naive_jsonwebtoken_ops_per_s: naiveOps,
      ratio_core_to_raw: Number((core / raw).toFixed(3)),
    }),
  );
}

void main();
