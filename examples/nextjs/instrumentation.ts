import { demoConfig } from './lib/config';
import { startMetricsServer } from '@ably-chat-auth-examples/shared/src/metrics';
import { DemoConfigError, RedisUnavailableError, startupNotices, type DemoConfig } from './lib/demo';
import { demoRateLimits } from './lib/rate-limits';
import { announceRegistered, peerAddressAppended } from './lib/start-script';

/**
 * Runs once when the Next.js server starts: a bad setting (malformed ABLY_API_KEY, short
 * SESSION_SECRET, ...) or an unreachable REDIS_URL stops it with a message, as the other examples
 * do, instead of failing on the first request; then the shared startup notices (dev-key banner,
 * random session secret), and with METRICS_PORT the Prometheus endpoint. The app has no Edge routes or proxy, so this file is only ever built for Node.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (!peerAddressAppended()) {
    console.error(
      'Configuration error: start this app with scripts/start.mjs (`pnpm start`), not `next start`: `next start` keeps an X-Forwarded-For ' +
        'the client wrote, so the rate limits would count whatever address a client chose.',
    );
    process.exit(1);
  }
  try {
    const config = demoConfig();
    for (const notice of notices(config)) console.log(notice);
    // Connects to REDIS_URL now (when set), so an instance never runs without its shared counters.
    await demoRateLimits();
    await serveMetrics(config);
  } catch (error) {
    if (!(error instanceof DemoConfigError) && !(error instanceof RedisUnavailableError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
  announceRegistered();
}

/** The shared notices, but the REDIS_URL line says what this app keeps there: its sessions are sealed cookies, never stored. */
function notices(config: DemoConfig): string[] {
  const cookies = 'sessions are sealed cookies, which every instance with the same SESSION_SECRET reads';
  return startupNotices(config).map((notice) => {
    if (!notice.startsWith('REDIS_URL')) return notice;
    return config.redisDisplayUrl === undefined
      ? `REDIS_URL is not set: rate-limit counters are kept in memory, per instance (${cookies}).`
      : `REDIS_URL=${config.redisDisplayUrl}: rate-limit counters are kept in Redis, shared by every instance (${cookies}).`;
  });
}

/**
 * With METRICS_PORT, registers the metrics SDK and serves `127.0.0.1:<METRICS_PORT>/metrics` in this
 * process (the shared kit's `startMetricsServer`), before the app says it is listening; a port in
 * use stops the server, as in the other examples.
 */
async function serveMetrics(config: DemoConfig): Promise<void> {
  try {
    const running = await startMetricsServer(config);
    if (running) console.log(`Prometheus metrics on ${running.url}`);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    console.error(
      code === 'EADDRINUSE' ? `METRICS_PORT ${config.metricsPort} is in use: set METRICS_PORT to another port.` : `Could not serve the metrics: ${message}`,
    );
    process.exit(1);
  }
}
