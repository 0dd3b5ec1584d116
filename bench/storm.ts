/* `pnpm bench:storm`: a token storm against the Express example with its sessions and limits in
 * Redis. redis-server (no persistence) and two instances of the example's real server entry;
 * 10,000 distinct users log in, then each asks for one token in a short burst: once spread over the
 * two instances, once on a single instance, for comparison. The load generator (node:http with
 * keep-alive, a bounded number of requests in flight) runs here. Prints tokens/s, p50/p99 latency
 * and errors (a correct run has none), and writes bench/results/storm.json and storm.md.
 * Settings: STORM_SESSIONS (10000), STORM_CONCURRENCY (64). The figures are only as quiet as the
 * machine: on a shared one, read them as a rough shape. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { jwtVerify } from 'jose';
import { DEV_API_KEY } from '../examples/shared/src/config';
import { RedisServer } from '../examples/shared/src/testing/redis-server';
import { ServerProcess } from '../examples/shared/src/testing/server-process';

const REPO_ROOT = join(__dirname, '..');
const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
const EXPRESS_ENTRY = join(REPO_ROOT, 'examples', 'express', 'src', 'server.ts');
const SESSIONS = positiveInteger('STORM_SESSIONS', 10_000);
const CONCURRENCY = positiveInteger('STORM_CONCURRENCY', 64);
/** Checked with jose: every this-many-th token of a burst. */
const VERIFY_EVERY = 97;
const DEV_SECRET = new TextEncoder().encode(DEV_API_KEY.split(':')[1]);

const log = (message: string): void => void process.stderr.write(`${message}\n`);

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1; got ${JSON.stringify(raw)}.`);
  return value;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request over the shared keep-alive agent. */
function send(agent: Agent, port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `job(i)` for i in [0, count) with at most `concurrency` in flight. */
async function bounded(count: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

interface BurstResult {
  instances: number;
  tokens: number;
  errors: number;
  seconds: number;
  tokens_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** Every session asks for one token, spread round-robin over `ports`; latency per request. */
async function burst(agent: Agent, ports: readonly number[], cookies: readonly string[]): Promise<BurstResult> {
  const latencies = new Float64Array(cookies.length);
  let ok = 0;
  let errors = 0;
  const firstError: string[] = [];
  const started = performance.now();
  await bounded(cookies.length, CONCURRENCY, async (i) => {
    const t0 = performance.now();
    try {
      const answer = await send(agent, ports[i % ports.length]!, 'GET', '/api/ably-token', { cookie: cookies[i]!, accept: 'application/json, text/plain' });
      latencies[i] = performance.now() - t0;
      if (answer.status !== 200 || answer.headers['content-type'] !== 'application/jwt')
        throw new Error(`status ${answer.status}: ${answer.body.slice(0, 200)}`);
      if (i % VERIFY_EVERY === 0) {
        const { payload } = await jwtVerify(answer.body, DEV_SECRET, { algorithms: ['HS256'] });
        if (payload['x-ably-clientId'] !== userName(i)) throw new Error(`token ${i} is for ${String(payload['x-ably-clientId'])}, not ${userName(i)}`);
      }
      ok++;
    } catch (error) {
      latencies[i] = performance.now() - t0;
      errors++;
      if (firstError.length === 0) firstError.push((error as Error).message);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  if (firstError.length) log(`  first error: ${firstError[0]}`);
  latencies.sort();
  return {
    instances: ports.length,
    tokens: ok,
    errors,
    seconds: round(seconds, 2),
    tokens_per_s: round(ok / seconds, 0),
    p50_ms: round(percentile(latencies, 50), 2),
    p99_ms: round(percentile(latencies, 99), 2),
    max_ms: round(latencies[latencies.length - 1] ?? Number.NaN, 2),
  };
}

function userName(i: number): string {
  return `user-${String(i).padStart(5, '0')}`;
}

/** Logs in every user (spread over `ports`) and returns their session cookies. */
async function loginAll(agent: Agent, ports: readonly number[]): Promise<string[]> {
  const cookies = new Array<string>(SESSIONS);
  await bounded(SESSIONS, CONCURRENCY, async (i) => {
    const answer = await send(
      agent,
      ports[i % ports.length]!,
      'POST',
      '/login',
      { 'content-type': 'application/json' },
      JSON.stringify({ username: userName(i) }),
    );
    const setCookie = answer.headers['set-cookie'];
    if (answer.status !== 200 || !setCookie) throw new Error(`Login ${i} failed: ${answer.status} ${answer.body.slice(0, 200)}`);
    cookies[i] = [setCookie]
      .flat()
      .map((line) => line.split(';')[0])
      .join('; ');
  });
  return cookies;
}

async function startInstance(redisUrl: string): Promise<{ server: ServerProcess; port: number }> {
  const server = ServerProcess.start(EXPRESS_ENTRY, {
    PORT: '0',
    REDIS_URL: redisUrl,
    SESSION_SECRET: 'storm-bench-secret-shared-by-every-instance',
    // The whole storm comes from one address: the limits must not be what is measured.
    RATE_LIMIT_LOGIN_PER_MIN: '1000000',
    RATE_LIMIT_TOKEN_PER_MIN: '1000000',
    NODE_ENV: 'production',
  });
  const [, port] = await server.waitFor(/listening on http:\/\/localhost:(\d+)/, 60_000);
  return { server, port: Number(port) };
}

function toMarkdown(report: StormReport): string {
  const row = (r: BurstResult): string =>
    `| ${r.instances} | ${r.tokens.toLocaleString('en')} | ${r.errors} | ${r.seconds} | ${r.tokens_per_s.toLocaleString('en')} | ${r.p50_ms} | ${r.p99_ms} | ${r.max_ms} |`;
  return [
    '# Token storm: the Express example over Redis',
    '',
    `${report.sessions.toLocaleString('en')} distinct logged-in sessions (express-session in Redis through connect-redis, limits in`,
    `rate-limit-redis), each asking for one token in one burst, ${report.concurrency} requests in flight; run ${report.date}`,
    `on ${report.machine.cpus} x ${report.machine.cpu_model} (load average before: ${report.machine.load_before.join(', ')}).`,
    'Redis, the instances and the load generator share the machine: on a small or busy one the',
    'ratio says more about the cores left over than about the app.',
    '',
    '| instances | tokens | errors | seconds | tokens/s | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|---|---|',
    row(report.one_instance),
    row(report.two_instances),
    '',
    `2-instance / 1-instance throughput: **${report.ratio_two_to_one}**. Logging in the sessions took ${report.login_seconds} s.`,
    '',
  ].join('\n');
}

interface StormReport {
  date: string;
  sessions: number;
  concurrency: number;
  machine: { cpus: number; cpu_model: string; load_before: number[]; node: string };
  login_seconds: number;
  warmup: BurstResult;
  one_instance: BurstResult;
  two_instances: BurstResult;
  ratio_two_to_one: number;
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((x) => round(x, 2));
  log(`storm: redis-server and two Express instances; ${SESSIONS.toLocaleString('en')} sessions, ${CONCURRENCY} in flight`);
  const redis = await RedisServer.start();
  const instances: ServerProcess[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const [a, b] = await Promise.all([startInstance(redis.url), startInstance(redis.url)]);
    instances.push(a.server, b.server);
    const ports = [a.port, b.port];

    const loginStarted = performance.now();
    const cookies = await loginAll(agent, ports);
    const loginSeconds = round((performance.now() - loginStarted) / 1000, 2);
    log(`  ${SESSIONS.toLocaleString('en')} logins in ${loginSeconds} s`);

    // Warm-up on both instances (JIT, sockets, Redis connections), not reported as a result.
    const warmup = await burst(agent, ports, cookies.slice(0, Math.min(2000, SESSIONS)));
    const one = await burst(agent, [a.port], cookies);
    log(`  1 instance: ${one.tokens_per_s} tokens/s, p50 ${one.p50_ms} ms, p99 ${one.p99_ms} ms, ${one.errors} errors`);
    const two = await burst(agent, ports, cookies);
    log(`  2 instances: ${two.tokens_per_s} tokens/s, p50 ${two.p50_ms} ms, p99 ${two.p99_ms} ms, ${two.errors} errors`);

    const report: StormReport = {
      date: new Date().toISOString(),
      sessions: SESSIONS,
      concurrency: CONCURRENCY,
      machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', load_before: loadBefore, node: process.version },
      login_seconds: loginSeconds,
      warmup,
      one_instance: one,
      two_instances: two,
      ratio_two_to_one: round(two.tokens_per_s / one.tokens_per_s, 2),
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'storm.json'), `${JSON.stringify(report, null, 2)}\n`);
    const markdown = toMarkdown(report);
    writeFileSync(join(RESULTS_DIR, 'storm.md'), markdown);
    process.stdout.write(markdown);
    if (one.errors + two.errors + warmup.errors > 0) {
      log('storm: some token requests failed (see above); a correct run has none.');
      process.exitCode = 1;
    }
  } finally {
    agent.destroy();
    await Promise.all(instances.map((instance) => instance.stop()));
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  log(`storm failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
