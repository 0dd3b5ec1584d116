/* `pnpm bench:telemetry`: the token route's telemetry overhead (bench/lib/telemetry-overhead.ts).
 * BENCH_TELEMETRY_ROUNDS (default 15) and BENCH_TELEMETRY_ROUND_MS (default 400) set its length. */
import { runTelemetryOverhead, TELEMETRY_OVERHEAD_TARGET_PCT } from './lib/telemetry-overhead';

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number >= 1; got ${JSON.stringify(raw)}.`);
  return value;
}

async function main(): Promise<void> {
  const rounds = positiveInteger('BENCH_TELEMETRY_ROUNDS', 15);
  const roundMs = positiveInteger('BENCH_TELEMETRY_ROUND_MS', 400);
  console.log(`Telemetry overhead: ${rounds} interleaved rounds of ${roundMs} ms per variant, in process (medians).`);
  const figures = await runTelemetryOverhead({ rounds, roundMs });
  console.log(`  telemetry: false              ${figures.off_ops_per_s} answers/s`);
  console.log(
    `  on, no SDK registered         ${figures.on_no_sdk_ops_per_s} answers/s (${figures.no_sdk_overhead_pct}%, ${figures.no_sdk_overhead_us} µs per answer; target < ${TELEMETRY_OVERHEAD_TARGET_PCT}%)`,
  );
  console.log(`  on, SDK recording             ${figures.on_sdk_ops_per_s} answers/s (${figures.sdk_overhead_pct}%, ${figures.sdk_overhead_us} µs per answer)`);
  console.log(JSON.stringify(figures));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
