/* What the token route's OpenTelemetry instrumentation costs, in process: one core route with
 * `telemetry: false`, one with telemetry on and no SDK registered (the default for an app that
 * does not use OpenTelemetry), and one recording into a real SDK, measured interleaved (the order
 * rotates every round) so a noisy neighbour hits all three alike; medians over the rounds. The SDK
 * is loaded from packages/core's devDependencies, as servers/deps.ts loads the frameworks. */
import { performance } from 'node:perf_hooks';
import { createTokenRoute, type TokenRouteOptions } from '@ably-chat-auth/core';
import { requireFrom } from '../servers/deps';
import { median, round } from './stats';

/** The figures `runTelemetryOverhead` returns (ops/s are sequential `route.handle` calls issuing a JWT). */
export interface TelemetryOverheadFigures {
  off_ops_per_s: number;
  on_no_sdk_ops_per_s: number;
  on_sdk_ops_per_s: number;
  /** (off - on without an SDK) / off, in percent, from the medians; the target is below 2. */
  no_sdk_overhead_pct: number;
  /** (off - on with an SDK recording a span and two metrics per answer) / off, in percent. */
  sdk_overhead_pct: number;
  /** The same, per answer, in microseconds. */
  no_sdk_overhead_us: number;
  sdk_overhead_us: number;
  rounds: number;
  round_ms: number;
}

/** The no-SDK overhead this bench expects to stay under, in percent. */
export const TELEMETRY_OVERHEAD_TARGET_PCT = 2;

interface Sdk {
  tracerProvider: { getTracer(name: string, version?: string): object; shutdown(): Promise<void> };
  meterProvider: { getMeter(name: string, version?: string): object; shutdown(): Promise<void> };
}

/** A tracer provider that keeps no span (a no-op exporter behind a simple processor) and a meter provider with a reader, as an app's SDK would be. */
function createSdk(): Sdk {
  const traceSdk = requireFrom('core')('@opentelemetry/sdk-trace') as {
    TracerProvider: new (config: { spanProcessors: unknown[] }) => Sdk['tracerProvider'];
    SimpleSpanProcessor: new (config: { exporter: unknown }) => unknown;
  };
  const metricsSdk = requireFrom('core')('@opentelemetry/sdk-metrics') as {
    MeterProvider: new (config: { readers: unknown[] }) => Sdk['meterProvider'];
    MetricReader: new () => object;
  };
  const exporter = { export: (_spans: unknown, done: (result: { code: 0 }) => void) => done({ code: 0 }), shutdown: () => Promise.resolve() };
  class Reader extends metricsSdk.MetricReader {
    onForceFlush(): Promise<void> {
      return Promise.resolve();
    }
    onShutdown(): Promise<void> {
      return Promise.resolve();
    }
  }
  return {
    tracerProvider: new traceSdk.TracerProvider({ spanProcessors: [new traceSdk.SimpleSpanProcessor({ exporter })] }),
    meterProvider: new metricsSdk.MeterProvider({ readers: [new Reader()] }),
  };
}

type Variant = 'off' | 'on_no_sdk' | 'on_sdk';

/**
 * Runs the comparison and returns medians. `rounds` rounds of `roundMs` per variant.
 *
 * @example
 * const figures = await runTelemetryOverhead({ rounds: 15, roundMs: 400 });
 */
export async function runTelemetryOverhead({ rounds, roundMs }: { rounds: number; roundMs: number }): Promise<TelemetryOverheadFigures> {
  const sdk = createSdk();
  const base: TokenRouteOptions<{ id: string }, { user: { id: string } }> = {
    apiKey: 'benchApp.benchKey:YmVuY2gtc2VjcmV0LW5vdC1yZWFs',
    resolveUser: (req) => req.user,
    policy: (user) => ({ lobby: 'all', [`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
    logger: false,
  };
  const routes: Record<Variant, ReturnType<typeof createTokenRoute<{ id: string }, { user: { id: string } }>>> = {
    off: createTokenRoute({ ...base, telemetry: false }),
    on_no_sdk: createTokenRoute(base),
    on_sdk: createTokenRoute({ ...base, telemetry: { tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider } }),
  };
  const request = { method: 'GET', headers: {}, native: { user: { id: 'bench-user' } } };
  const measure = async (variant: Variant, ms: number): Promise<number> => {
    const route = routes[variant];
    let ops = 0;
    const started = performance.now();
    const until = started + ms;
    while (performance.now() < until) {
      for (let i = 0; i < 50; i++) {
        const answer = await route.handle(request);
        if (answer.status !== 200) throw new Error(`The ${variant} route answered ${answer.status}.`);
      }
      ops += 50;
    }
    return ops / ((performance.now() - started) / 1000);
  };
  const order: Variant[] = ['off', 'on_no_sdk', 'on_sdk'];
  for (const variant of order) await measure(variant, Math.min(500, roundMs)); // warm-up: JIT and caches
  const samples: Record<Variant, number[]> = { off: [], on_no_sdk: [], on_sdk: [] };
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < order.length; k++) {
      const variant = order[(r + k) % order.length]!;
      samples[variant].push(await measure(variant, roundMs));
    }
  }
  await Promise.all([sdk.tracerProvider.shutdown(), sdk.meterProvider.shutdown()]);
  const off = median(samples.off);
  const noSdk = median(samples.on_no_sdk);
  const withSdk = median(samples.on_sdk);
  return {
    off_ops_per_s: Math.round(off),
    on_no_sdk_ops_per_s: Math.round(noSdk),
    on_sdk_ops_per_s: Math.round(withSdk),
    no_sdk_overhead_pct: round(((off - noSdk) / off) * 100, 2),
    sdk_overhead_pct: round(((off - withSdk) / off) * 100, 2),
    no_sdk_overhead_us: round((1 / noSdk - 1 / off) * 1e6, 3),
    sdk_overhead_us: round((1 / withSdk - 1 / off) * 1e6, 3),
    rounds,
    round_ms: roundMs,
  };
}
