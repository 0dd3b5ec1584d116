import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { DemoConfig } from './config.js';

/** A running Prometheus scrape endpoint. */
export interface MetricsServer {
  /** `http://127.0.0.1:<port>/metrics` */
  readonly url: string;
  /** Stops the endpoint and unregisters the meter provider. */
  close(): Promise<void>;
}

/**
 * Registers the OpenTelemetry metrics SDK globally, with the Prometheus exporter as its reader, and
 * serves the scrape endpoint on `127.0.0.1:<METRICS_PORT>/metrics` (loopback only: put a scraper on
 * the same host or network namespace, never the public internet). The token route's counter and
 * histogram (`ably_chat_auth_token_answers_total`, `ably_chat_auth_token_duration_seconds`) appear there
 * with no change to the route. Resolves to undefined when METRICS_PORT is not set.
 *
 * @example
 * const metricsServer = await startMetricsServer(config);
 * if (metricsServer) console.log(`Metrics on ${metricsServer.url}`);
 */
export async function startMetricsServer(config: Pick<DemoConfig, 'metricsPort'>): Promise<MetricsServer | undefined> {
  if (config.metricsPort === undefined) return undefined;
  // The exporter's own server would listen on every interface by default; serving its handler from
  // our server binds the loopback address, and lets port 0 report the port it got.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') exporter.getMetricsRequestHandler(request, response);
    else response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: the metrics are at /metrics.\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.metricsPort, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const provider = new MeterProvider({ readers: [exporter] });
  metrics.setGlobalMeterProvider(provider);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    close: async () => {
      metrics.disable();
      await provider.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * {@link startMetricsServer} for an example's entry point: prints where the metrics are, or the
 * reason it could not serve them and exits with status 1 (a port in use must not pass unnoticed).
 *
 * @example
 * serveMetricsOrExit(config);
 */
export function serveMetricsOrExit(
  config: Pick<DemoConfig, 'metricsPort'>,
  io: { log: (message: string) => void; error: (message: string) => void; exit: (code: number) => never } = {
    log: (m) => console.log(m),
    error: (m) => console.error(m),
    exit: (c) => process.exit(c),
  },
): void {
  startMetricsServer(config).then(
    (running) => {
      if (running) io.log(`Prometheus metrics on ${running.url}`);
    },
    (error: NodeJS.ErrnoException) => {
      io.error(
        error.code === 'EADDRINUSE'
          ? `METRICS_PORT ${config.metricsPort} is in use: set METRICS_PORT to another port.`
          : `Could not serve the metrics: ${error.message}`,
      );
      io.exit(1);
    },
  );
}
