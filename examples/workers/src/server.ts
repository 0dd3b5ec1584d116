/* Runs the Workers example locally in workerd: `pnpm start:workers` (from the repository root) or `pnpm --filter @ably-chat-auth-examples/workers start`. */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DemoConfigError, closeOnSignals, listenFailureMessage, loadDemoConfigOrExit, startupNotices } from '@ably-chat-auth-examples/shared';
import { buildWorker, startWorker } from './local.js';

const config = loadDemoConfigOrExit(process.env);
const unsupported = [
  [config.redisUrl, 'REDIS_URL'],
  [config.metricsPort, 'METRICS_PORT'],
] as const;
for (const [value, name] of unsupported) {
  if (value === undefined) continue;
  const why =
    name === 'REDIS_URL'
      ? 'the Worker keeps sessions in Workers KV and counts rate limits with Workers Rate Limiting bindings'
      : 'a Worker serves no Prometheus endpoint; use Workers Observability or an OpenTelemetry exporter';
  console.error(`Configuration error: ${new DemoConfigError(name, `${name} is not used by the Workers example: ${why}. Unset it.`).message}`);
  process.exit(1);
}
// The shared notices, less the one about keeping sessions in this process's memory: here they are in KV.
for (const notice of startupNotices(config).filter((notice) => !notice.startsWith('REDIS_URL'))) console.log(notice);
console.log('Sessions are kept in a local Workers KV namespace and rate limits in local Rate Limiting bindings, in memory, until the server stops.');

/**
 * Fails as the other examples do (EADDRINUSE, then listenFailureMessage) when PORT is taken.
 * Tried with a throwaway listener first: workerd reports a taken port as a fatal exception with a
 * native stack trace on stderr, which is no message for a person starting a demo.
 */
async function checkPortFree(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  probe.listen(port, '127.0.0.1');
  // once() rejects with the 'error' event's error (EADDRINUSE) instead.
  await once(probe, 'listening');
  await new Promise((resolve) => probe.close(resolve));
}

void (async () => {
  try {
    await checkPortFree(config.port);
    const worker = await buildWorker(join(__dirname, '..', 'dist'));
    // Miniflare's own SIGINT/SIGTERM handlers stop workerd and exit at once with 130/143; this
    // server stops the way the other examples do (closeOnSignals: dispose, then exit 0), so they go.
    const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    const { baseUrl, close } = await startWorker(worker, config, config.port);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) if (!before[signal].includes(listener)) process.removeListener(signal, listener);
    }
    console.log(`Workers example listening on http://localhost:${new URL(baseUrl).port} (workerd, through miniflare)`);
    closeOnSignals(close, 'Workers example');
  } catch (error) {
    console.error(listenFailureMessage(error, config.port));
    process.exit(1);
  }
})();
