/* The load generator: autocannon as a library, in the runner's process (never the server's). */
import autocannon from 'autocannon';
import { USER_HEADER } from '../servers/shared';
import { percentile, round } from './stats';

export interface LoadResult {
  /**
   * 2xx answers per second, over the window from the first to the last answer (autocannon's own
   * duration also counts the time it spends building its requests before the first one is sent).
   */
  rps: number;
  /** Latency percentiles of the 2xx answers, in ms (from every response's own timing, not autocannon's 1 ms histogram). */
  p50_ms: number;
  p99_ms: number;
  ok: number;
  /** Non-2xx answers, socket errors and timeouts: a correct run has none. */
  failures: number;
  seconds: number;
  /**
   * Server CPU time (user + system) per 2xx answer, in microseconds: what the route costs the server,
   * much less sensitive than req/s to other processes competing for the cores.
   */
  cpu_us_per_req: number;
}

/**
 * One GET per user, cycled by every connection. autocannon prebuilds every request for every
 * connection before it starts (so its per-request cost stays flat): keep `users` x connections modest.
 */
function requestsFor(path: string, users: number): { method: string; path: string; headers: Record<string, string> }[] {
  return Array.from({ length: users }, (_, i) => ({ method: 'GET', path, headers: { [USER_HEADER]: `user-${String(i).padStart(5, '0')}` } }));
}

export async function load(
  port: number,
  path: string,
  options: { connections: number; users: number; pipelining?: number; cpuMicros: () => Promise<number> } & ({ seconds: number } | { amount: number }),
): Promise<LoadResult> {
  const cpuBefore = await options.cpuMicros();
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let firstAt = 0;
  let lastAt = 0;
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: options.connections,
    pipelining: options.pipelining ?? 1,
    timeout: 10,
    // autocannon checks its stop flag once per sample interval (default 1 s), which would stretch a
    // 1.5 s round to 2-3 s; a short interval keeps the rounds as long as asked.
    sampleInt: 100,
    requests: requestsFor(path, options.users),
    ...('seconds' in options ? { duration: options.seconds } : { amount: options.amount }),
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 200 || statusCode > 299) return;
    lastAt = performance.now();
    if (count === 0) firstAt = lastAt;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  });
  const result = await instance;
  const cpuUsed = (await options.cpuMicros()) - cpuBefore;
  const sorted = latencies.subarray(0, count).sort();
  const windowSeconds = (lastAt - firstAt) / 1000;
  return {
    rps: count > 1 && windowSeconds > 0 ? round((count - 1) / windowSeconds, 0) : 0,
    p50_ms: round(percentile(sorted, 50), 2),
    p99_ms: round(percentile(sorted, 99), 2),
    ok: result['2xx'],
    failures: result.non2xx + result.errors + result.timeouts,
    seconds: round(windowSeconds, 2),
    cpu_us_per_req: round(cpuUsed / Math.max(1, result['2xx']), 1),
  };
}
