/* Runs the Fastify example: `pnpm start:fastify` (from the repository root) or `pnpm --filter @ably-chat-auth-examples/fastify start`. */
import type { AddressInfo } from 'node:net';
import {
  closeOnSignals,
  connectRedisOrExit,
  listenFailureMessage,
  loadDemoConfigOrExit,
  serveMetricsOrExit,
  startupNotices,
} from '@ably-chat-auth-examples/shared';
import { createApp } from './app.js';

async function main(): Promise<void> {
  const config = loadDemoConfigOrExit(process.env);
  for (const notice of startupNotices(config)) console.log(notice);
  serveMetricsOrExit(config);

  const redis = await connectRedisOrExit(config);
  const app = await createApp(config, { redis });
  try {
    // Fastify's default host, `localhost`: reachable from this machine only. Behind a reverse
    // proxy on another host, listen on `host: '0.0.0.0'` (and set TRUST_PROXY_HOPS).
    await app.listen({ port: config.port });
  } catch (error) {
    console.error(listenFailureMessage(error, config.port));
    process.exit(1);
  }
  const { port } = app.server.address() as AddressInfo;
  console.log(`Fastify example listening on http://localhost:${port}`);

  closeOnSignals(() => app.close(), 'Fastify example');
}

main().catch((error: unknown) => {
  console.error('The Fastify example failed to start:', error);
  process.exit(1);
});
