/* latest.json's shape, and the Markdown table printed and written beside it. */
import type { CoreFigures } from './core-bench';
import type { LoadResult } from './load';
import type { TelemetryOverheadFigures } from './telemetry-overhead';
import type { BenchSettings } from './settings';

/** The adapter must be at least as fast as the bare route: median adapter/bare and CPU ratio (bare / adapter CPU per answer). */
export const RATIO_TARGET = 1.0;
/** The adapter's p99 latency may be at most this many times the bare route's. */
export const P99_TARGET_FACTOR = 1.1;
/** RSS growth over the memory run's tokens must stay under this. */
export const MEMORY_TARGET_MB = 20;
/** Heap growth over the memory run's tokens must stay under this: a token route that kept anything per token would exceed it. */
export const HEAP_TARGET_MB = 1;

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  total_memory_gb: number;
  node: string;
  platform: string;
  load_average_start: [number, number, number];
  load_average_end?: [number, number, number];
  started_at: string;
  finished_at?: string;
  versions: Record<string, string>;
}

export interface RoundResult {
  order: string[];
  adapter: LoadResult;
  bare: LoadResult;
  seed: LoadResult;
}

export interface AdapterThroughput {
  name: string;
  framework: string;
  /** Medians over the rounds: requests/s of the adapter route, the bare route, the seed snippet's route. */
  rps: number;
  baseline_rps: number;
  seed_snippet_rps: number;
  /** Median over the rounds of adapter rps / bare rps (the two ran back to back in each round). */
  ratio: number;
  /** Median over the rounds of adapter rps / seed snippet rps. */
  speedup_vs_seed: number;
  /** Medians over the rounds of the server's CPU time per answer (user + system, microseconds). */
  cpu_us_per_req: number;
  baseline_cpu_us_per_req: number;
  seed_snippet_cpu_us_per_req: number;
  /** Median over the rounds of bare CPU per answer / adapter CPU per answer: the ratio with the noise of other processes mostly removed. */
  cpu_ratio: number;
  p50_ms: number;
  p99_ms: number;
  baseline_p50_ms: number;
  baseline_p99_ms: number;
  seed_snippet_p50_ms: number;
  seed_snippet_p99_ms: number;
  memory_tokens: number;
}

/**
 * Memory of the server process after full GCs (`global.gc()`), before, halfway through and after
 * `memory_tokens` tokens through the adapter route (MB; null when the memory run is skipped).
 */
export interface MemoryFigures {
  rss_before_mb: number | null;
  rss_mid_mb: number | null;
  rss_after_mb: number | null;
  rss_growth_mb: number | null;
  rss_growth_second_half_mb: number | null;
  heap_before_mb: number | null;
  heap_mid_mb: number | null;
  heap_after_mb: number | null;
  heap_growth_mb: number | null;
  heap_growth_second_half_mb: number | null;
  /** V8's committed heap (heapTotal) before and after: its young generation grows under load, which shows in RSS. */
  heap_total_before_mb: number | null;
  heap_total_after_mb: number | null;
  /** req/s of the adapter route during the memory run (not a benchmark figure: no interleaving). */
  memory_run_rps: number | null;
}

export interface AdapterFigures extends AdapterThroughput, MemoryFigures {
  token_bytes: Record<'adapter' | 'bare' | 'seed', number>;
  failures: number;
  ratio_target_met: boolean;
  memory_target_met: boolean | null;
  rounds: RoundResult[];
}

export interface BenchReport {
  machine: MachineInfo;
  settings: BenchSettings & { ratio_target: number; memory_target_mb: number; runtime: string; load_generator: string };
  core: CoreFigures | null;
  /** What the OpenTelemetry instrumentation costs in process (bench/lib/telemetry-overhead.ts); null when skipped with the core bench. */
  telemetry?: TelemetryOverheadFigures | null;
  adapters: AdapterFigures[];
  duration_s?: number;
}

const n = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || Number.isNaN(value)
    ? 'n/a'
    : value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function toMarkdown(report: BenchReport): string {
  const { machine, settings, core } = report;
  const lines: string[] = [];
  const load = (l?: number[]) => (l ? l.map((x) => x.toFixed(2)).join(' / ') : 'n/a');
  lines.push(`# ably-chat-auth bench, ${machine.started_at.slice(0, 16).replace('T', ' ')} UTC`);
  lines.push('');
  lines.push(`${machine.cpu_model}, ${machine.cores} cores, ${machine.total_memory_gb} GB; Node ${machine.node} (${machine.platform}).`);
  lines.push(`Load average (1/5/15 min) at start ${load(machine.load_average_start)}, at end ${load(machine.load_average_end)}.`);
  lines.push(
    `Settings: ${settings.connections} connections, ${settings.rounds} interleaved rounds of ${settings.roundSeconds} s per route (after ${settings.warmupSeconds} s warm-up each), ` +
      `${settings.users} distinct users, memory over ${n(settings.memoryTokens)} tokens (pipelining ${settings.memoryPipelining}); ${settings.runtime}.`,
  );
  lines.push(
    `Frameworks: ${Object.entries(machine.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  );
  lines.push('');
  if (core) {
    lines.push(`## Core (in-process signing, ${core.rounds} interleaved rounds of ${core.round_ms} ms, medians)`);
    lines.push('');
    lines.push(
      '| core (3-room policy compiled per token) | hand-built HS256 (node:crypto) | jsonwebtoken, string secret per call | core / hand-built | core / hand-built, by CPU time | core / naive |',
    );
    lines.push('|---:|---:|---:|---:|---:|---:|');
    lines.push(
      `| ${n(core.core_ops_per_s)}/s | ${n(core.raw_hs256_ops_per_s)}/s | ${n(core.naive_jsonwebtoken_ops_per_s)}/s | ${core.ratio_core_to_raw.toFixed(2)} | ${core.ratio_core_to_raw_cpu.toFixed(2)} | ${core.speedup_vs_naive.toFixed(1)}x |`,
    );
    lines.push('');
  }
  if (report.telemetry) {
    const t = report.telemetry;
    lines.push(`## Telemetry overhead (in process, core route issuing a JWT, ${t.rounds} interleaved rounds of ${t.round_ms} ms, medians)`);
    lines.push('');
    lines.push(
      '| telemetry: false | on, no SDK registered | on, SDK recording a span and two metrics | overhead without an SDK (target < 2 %) | overhead with the SDK |',
    );
    lines.push('|---:|---:|---:|---:|---:|');
    lines.push(
      `| ${n(t.off_ops_per_s)}/s | ${n(t.on_no_sdk_ops_per_s)}/s | ${n(t.on_sdk_ops_per_s)}/s | ${t.no_sdk_overhead_pct.toFixed(2)} % (${t.no_sdk_overhead_us.toFixed(3)} µs) | ${t.sdk_overhead_pct.toFixed(1)} % (${t.sdk_overhead_us.toFixed(2)} µs) |`,
    );
    lines.push('');
  }
  if (report.adapters.length) {
    lines.push(
      `## Token route over HTTP (medians of ${settings.rounds} rounds; targets: adapter/bare and CPU ratio >= ${RATIO_TARGET.toFixed(1)}, ` +
        `p99 <= bare p99 x ${P99_TARGET_FACTOR}, RSS growth < ${MEMORY_TARGET_MB} MB, heap growth < ${HEAP_TARGET_MB} MB)`,
    );
    lines.push('');
    lines.push(
      '| framework | adapter req/s | bare req/s | seed snippet req/s | adapter / bare | vs seed snippet | server CPU µs/req, adapter / bare | CPU ratio | p50 ms | p99 ms | bare p99 ms | RSS growth MB | heap growth MB |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    // Ratios are cut (not rounded) to two decimals, so a ratio shown as 0.90 did reach 0.9.
    const ratio = (x: number) => (Math.floor(x * 100) / 100).toFixed(2);
    for (const a of report.adapters) {
      const flag = a.ratio_target_met ? '' : ' (below target)';
      const cpuFlag = a.cpu_ratio >= RATIO_TARGET ? '' : ' (below target)';
      const p99Flag = a.p99_ms <= a.baseline_p99_ms * P99_TARGET_FACTOR ? '' : ' (over target)';
      const over = (value: number | null, limit: number) => (value !== null && value >= limit ? ' (over target)' : '');
      lines.push(
        `| ${a.name} (${a.framework}) | ${n(a.rps)} | ${n(a.baseline_rps)} | ${n(a.seed_snippet_rps)} | ${ratio(a.ratio)}${flag} | ${a.speedup_vs_seed.toFixed(1)}x | ` +
          `${n(a.cpu_us_per_req)} / ${n(a.baseline_cpu_us_per_req)} | ${ratio(a.cpu_ratio)}${cpuFlag} | ` +
          `${n(a.p50_ms, 2)} | ${n(a.p99_ms, 2)}${p99Flag} | ${n(a.baseline_p99_ms, 2)} | ${n(a.rss_growth_mb, 1)}${over(a.rss_growth_mb, MEMORY_TARGET_MB)} | ${n(a.heap_growth_mb, 1)}${over(a.heap_growth_mb, HEAP_TARGET_MB)} |`,
      );
    }
    lines.push('');
    lines.push(
      'Memory of each server process after `global.gc()`, before, halfway through and after the tokens (MB; growth in the second half is what a leak would show):',
    );
    lines.push('');
    lines.push(
      '| framework | tokens | RSS before / mid / after | heap used before / mid / after | heap committed before / after | RSS growth, 2nd half | heap growth, 2nd half | req/s during the run |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const a of report.adapters) {
      lines.push(
        `| ${a.name} | ${n(a.memory_tokens)} | ${n(a.rss_before_mb, 1)} / ${n(a.rss_mid_mb, 1)} / ${n(a.rss_after_mb, 1)} | ${n(a.heap_before_mb, 1)} / ${n(a.heap_mid_mb, 1)} / ${n(a.heap_after_mb, 1)} | ` +
          `${n(a.heap_total_before_mb, 1)} / ${n(a.heap_total_after_mb, 1)} | ` +
          `${n(a.rss_growth_second_half_mb, 1)} | ${n(a.heap_growth_second_half_mb, 1)} | ${n(a.memory_run_rps)} |`,
      );
    }
    const failures = report.adapters.filter((a) => a.failures > 0);
    if (failures.length) {
      lines.push('');
      lines.push(
        `Warning: non-2xx answers or socket errors in ${failures.map((a) => `${a.name} (${a.failures})`).join(', ')}; those runs are not trustworthy.`,
      );
    }
  }
  if (report.duration_s !== undefined) {
    lines.push('');
    lines.push(`Run time ${Math.round(report.duration_s)} s.`);
  }
  return `${lines.join('\n')}\n`;
}
