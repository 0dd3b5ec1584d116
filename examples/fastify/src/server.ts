/* Runs the Fastify example: `pnpm start:fastify` (from the repository root) or `pnpm --filter @ably-chat-auth-examples/fastify start`. */
import type { AddressInfo } from 'node:net';
import { connectRedisOrExit, loadDemoConfigOrExit, serveMetricsOrExit, startupNotices } from '@ably-chat-auth-examples/shared';
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
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE' ? `Port ${config.port} is in use: set PORT to another port.` : `Could not start the server: ${(error as Error).message}`,
    );
    process.exit(1);
  }
  const { port } = app.server.address() as AddressInfo;
  console.log(`Fastify example listening on http://localhost:${port}`);

  // `on`, not `once`: a second signal (tsx relays the one it got) must not kill the process mid-close.
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('The Fastify example failed to stop cleanly:', error);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  console.error('The Fastify example failed to start:', error);
  process.exit(1);
});
