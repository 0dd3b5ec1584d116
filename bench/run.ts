/* `pnpm bench`: core's signing figures, then every adapter's token route over HTTP next to a bare
 * jsonwebtoken route and the seed page's snippet in the same framework, plus memory growth over
 * many tokens. Each route has its own server process, one under load at a time; the load
 * generator (autocannon) runs here. Writes bench/results/latest.json and latest.md and prints the
 * table. Settings: lib/settings.ts; how to read it: docs/performance.md. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, versionOf } from './servers/deps';
import { ROUTES, type RouteName } from './servers/shared';
import { runCoreBench } from './lib/core-bench';
import { runTelemetryOverhead } from './lib/telemetry-overhead';
import { load, type LoadResult } from './lib/load';
import {
  HEAP_TARGET_MB,
  MEMORY_TARGET_MB,
  RATIO_TARGET,
  toMarkdown,
  type AdapterFigures,
  type BenchReport,
  type MemoryFigures,
  type RoundResult,
} from './lib/report';
import { PROFILE_DIR, startServer, type ServerProcess } from './lib/server-process';
import { readSettings, type BenchSettings, type FrameworkName } from './lib/settings';
import { mb, median, round } from './lib/stats';
import { verifyRoutes } from './lib/verify';

const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
const ROUTE_NAMES: RouteName[] = ['adapter', 'bare', 'seed'];
const ROUND_ORDERS: readonly (readonly RouteName[])[] = [
  ['adapter', 'bare', 'seed'],
  ['bare', 'seed', 'adapter'],
  ['seed', 'adapter', 'bare'],
  ['bare', 'adapter', 'seed'],
  ['adapter', 'seed', 'bare'],
  ['seed', 'bare', 'adapter'],
];

const FRAMEWORK_VERSION: Record<FrameworkName, () => string> = {
  express: () => `express ${versionOf('express', 'express')}`,
  koa: () => `koa ${versionOf('koa', 'koa')}`,
  fastify: () => `fastify ${versionOf('fastify', 'fastify')}`,
  'nestjs-express': () => `@nestjs/core ${versionOf('nestjs', '@nestjs/core')}, platform-express`,
  'nestjs-fastify': () => `@nestjs/core ${versionOf('nestjs', '@nestjs/core')}, platform-fastify`,
};

const log = (message: string) => process.stderr.write(`${message}\n`);
const loadAverage = () => loadavg().map((x) => round(x, 2)) as [number, number, number];

/**
 * The memory run, in an adapter server process of its own: a warm-up (lazy init, JIT, socket and
 * parser pools reach their working size), then snapshots before, halfway through and after the
 * tokens. Growth in the second half is what a leak would show; the first half also holds one-off
 * warm-up growth. Its own process, so the rounds compare three processes with the same history:
 * after this run V8 has grown the young generation (about half as many, longer scavenges), a state
 * only the adapter's process would carry into the rounds.
 */
async function memoryRun(framework: FrameworkName, settings: BenchSettings): Promise<{ memory: MemoryFigures; failures: number }> {
  const server = await startServer(framework, 'adapter', { cpuProfile: settings.cpuProfile });
  try {
    const { connections, users } = settings;
    const pipelining = settings.memoryPipelining;
    const run = (amount: number) => load(server.port, ROUTES.adapter, { connections, users, cpuMicros: server.cpuMicros, pipelining, amount });
    log(`  ${framework}: memory over ${settings.memoryTokens.toLocaleString('en')} tokens`);
    const warmup = Math.max(connections, Math.min(20_000, Math.round(settings.memoryTokens / 10)));
    let failures = (await run(warmup)).failures;
    const before = await server.memory();
    const firstHalf = Math.round(settings.memoryTokens / 2);
    const halves: LoadResult[] = [];
    halves.push(await run(firstHalf));
    const mid = await server.memory();
    halves.push(await run(settings.memoryTokens - firstHalf));
    const after = await server.memory();
    failures += halves[0]!.failures + halves[1]!.failures;
    return {
      failures,
      memory: {
        rss_before_mb: mb(before.rss),
        rss_mid_mb: mb(mid.rss),
        rss_after_mb: mb(after.rss),
        rss_growth_mb: mb(after.rss - before.rss),
        rss_growth_second_half_mb: mb(after.rss - mid.rss),
        heap_before_mb: mb(before.heapUsed),
        heap_mid_mb: mb(mid.heapUsed),
        heap_after_mb: mb(after.heapUsed),
        heap_growth_mb: mb(after.heapUsed - before.heapUsed),
        heap_growth_second_half_mb: mb(after.heapUsed - mid.heapUsed),
        heap_total_before_mb: mb(before.heapTotal),
        heap_total_after_mb: mb(after.heapTotal),
        memory_run_rps: round((halves[0]!.ok + halves[1]!.ok) / (halves[0]!.ok / halves[0]!.rps + halves[1]!.ok / halves[1]!.rps), 0),
      },
    };
  } finally {
    await server.stop();
  }
}

async function benchFramework(framework: FrameworkName, settings: BenchSettings): Promise<AdapterFigures> {
  let memory: MemoryFigures = {
    rss_before_mb: null,
    rss_mid_mb: null,
    rss_after_mb: null,
    rss_growth_mb: null,
    rss_growth_second_half_mb: null,
    heap_before_mb: null,
    heap_mid_mb: null,
    heap_after_mb: null,
    heap_growth_mb: null,
    heap_growth_second_half_mb: null,
    heap_total_before_mb: null,
    heap_total_after_mb: null,
    memory_run_rps: null,
  };
  let failures = 0;
  if (settings.memoryTokens > 0) ({ memory, failures } = await memoryRun(framework, settings));

  // One process per route (see servers/shared.ts); only one of them is under load at any time.
  const started = await Promise.allSettled(ROUTE_NAMES.map((route) => startServer(framework, route, { cpuProfile: settings.cpuProfile })));
  const servers = {} as Record<RouteName, ServerProcess>;
  started.forEach((result, i) => {
    if (result.status === 'fulfilled') servers[ROUTE_NAMES[i]!] = result.value;
  });
  try {
    const failedStart = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failedStart) throw failedStart.reason;
    const ports = { adapter: servers.adapter.port, bare: servers.bare.port, seed: servers.seed.port };
    const tokenBytes = await verifyRoutes(ports);
    const { connections, users } = settings;
    const run = (route: RouteName, options: { seconds: number }) =>
      load(servers[route].port, ROUTES[route], { connections, users, cpuMicros: servers[route].cpuMicros, ...options });

    if (settings.warmupSeconds > 0) {
      log(`  ${framework}: warm-up`);
      for (const route of ROUTE_NAMES) failures += (await run(route, { seconds: settings.warmupSeconds })).failures;
    }

    const rounds: RoundResult[] = [];
    for (let r = 0; r < settings.rounds; r++) {
      // The six orders in turn: over six rounds each route runs first, last, and right after each
      // other route equally often, so a drift in the machine's load weighs on all three alike.
      const order = ROUND_ORDERS[r % ROUND_ORDERS.length]!;
      const results = {} as Record<RouteName, LoadResult>;
      for (const route of order) {
        results[route] = await run(route, { seconds: settings.roundSeconds });
        failures += results[route].failures;
      }
      rounds.push({ order: [...order], ...results });
      log(
        `  ${framework}: round ${r + 1}/${settings.rounds}: adapter ${results.adapter.rps}/s, bare ${results.bare.rps}/s, seed ${results.seed.rps}/s ` +
          `(ratio ${(results.adapter.rps / results.bare.rps).toFixed(3)}; server CPU per request ${results.adapter.cpu_us_per_req} / ${results.bare.cpu_us_per_req} / ${results.seed.cpu_us_per_req} us)`,
      );
    }

    const of = (route: RouteName, key: keyof LoadResult) => round(median(rounds.map((x) => x[route][key])), 2);
    const ratio = round(median(rounds.map((x) => x.adapter.rps / x.bare.rps)), 3);
    return {
      name: framework,
      framework: FRAMEWORK_VERSION[framework](),
      rps: of('adapter', 'rps'),
      baseline_rps: of('bare', 'rps'),
      seed_snippet_rps: of('seed', 'rps'),
      ratio,
      speedup_vs_seed: round(median(rounds.map((x) => x.adapter.rps / x.seed.rps)), 2),
      cpu_us_per_req: of('adapter', 'cpu_us_per_req'),
      baseline_cpu_us_per_req: of('bare', 'cpu_us_per_req'),
      seed_snippet_cpu_us_per_req: of('seed', 'cpu_us_per_req'),
      cpu_ratio: round(median(rounds.map((x) => x.bare.cpu_us_per_req / x.adapter.cpu_us_per_req)), 3),
      p50_ms: of('adapter', 'p50_ms'),
      p99_ms: of('adapter', 'p99_ms'),
      baseline_p50_ms: of('bare', 'p50_ms'),
      baseline_p99_ms: of('bare', 'p99_ms'),
      seed_snippet_p50_ms: of('seed', 'p50_ms'),
      seed_snippet_p99_ms: of('seed', 'p99_ms'),
      memory_tokens: settings.memoryTokens,
      ...memory,
      token_bytes: tokenBytes,
      failures,
      ratio_target_met: ratio >= RATIO_TARGET,
      memory_target_met:
        memory.rss_growth_mb === null || memory.heap_growth_mb === null
          ? null
          : memory.rss_growth_mb < MEMORY_TARGET_MB && memory.heap_growth_mb < HEAP_TARGET_MB,
      rounds,
    };
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const settings = readSettings();
  const cpu = cpus();
  const report: BenchReport = {
    machine: {
      cpu_model: cpu[0]?.model.trim() ?? 'unknown',
      cores: cpu.length,
      total_memory_gb: round(totalmem() / 1024 ** 3, 1),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      load_average_start: loadAverage(),
      started_at: new Date(startedAt).toISOString(),
      versions: {
        express: versionOf('express', 'express'),
        koa: versionOf('koa', 'koa'),
        fastify: versionOf('fastify', 'fastify'),
        '@nestjs/core': versionOf('nestjs', '@nestjs/core'),
        '@nestjs/platform-fastify': versionOf('nestjs', '@nestjs/platform-fastify'),
        jsonwebtoken: versionOf('core', 'jsonwebtoken'),
        autocannon: versionOf('.', 'autocannon'),
      },
    },
    settings: {
      ...settings,
      ratio_target: RATIO_TARGET,
      memory_target_mb: MEMORY_TARGET_MB,
      runtime:
        'one server process per route, one under load at a time; servers run through tsx with bench/tsconfig.servers.json, which resolves the packages to their built dist/ files (what npm users run), NODE_ENV=production',
      load_generator: `autocannon ${versionOf('.', 'autocannon')} (library) in the runner process; no pipelining in the rounds, pipelining ${settings.memoryPipelining} in the memory run`,
    },
    core: null,
    telemetry: null,
    adapters: [],
  };
  log(
    `bench: ${report.machine.cpu_model}, ${report.machine.cores} cores, Node ${process.version}, load average ${report.machine.load_average_start.join(' ')}`,
  );

  if (settings.core) {
    log('core: packages/core/bench/core.bench.ts');
    report.core = await runCoreBench({ rounds: settings.coreRounds, roundMs: settings.coreRoundMs });
    log('telemetry: bench/lib/telemetry-overhead.ts');
    report.telemetry = await runTelemetryOverhead({ rounds: settings.coreRounds, roundMs: settings.coreRoundMs });
  }
  for (const framework of settings.frameworks) {
    log(`${framework}:`);
    report.adapters.push(await benchFramework(framework, settings));
  }

  report.machine.load_average_end = loadAverage();
  report.machine.finished_at = new Date().toISOString();
  report.duration_s = round((Date.now() - startedAt) / 1000, 1);
  const markdown = toMarkdown(report);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown);
  console.log(`\n${markdown}`);
  log(`Wrote bench/results/latest.json and bench/results/latest.md${settings.cpuProfile ? `; CPU profiles in ${PROFILE_DIR}` : ''}.`);
  if (report.adapters.some((a) => a.failures > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
