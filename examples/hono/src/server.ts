/* Runs the Hono example: `pnpm start:hono` (from the repository root) or `pnpm --filter @ably-chat-auth-examples/hono start`. */
import type { Server } from 'node:http';
import { connectRedisOrExit, loadDemoConfigOrExit, serveMetricsOrExit, startupNotices } from '@ably-chat-auth-examples/shared';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';

const config = loadDemoConfigOrExit(process.env);
for (const notice of startupNotices(config)) console.log(notice);
serveMetricsOrExit(config);

void connectRedisOrExit(config).then((redis) => {
  // Without serverOptions or createServer, @hono/node-server serves plain node:http.
  const server = serve({ fetch: createApp(config, { redis }).fetch, port: config.port }, ({ port }) => {
    console.log(`Hono example listening on http://localhost:${port}`);
  }) as Server;
  server.once('error', (error: NodeJS.ErrnoException) => {
    console.error(error.code === 'EADDRINUSE' ? `Port ${config.port} is in use: set PORT to another port.` : `Could not start the server: ${error.message}`);
    process.exit(1);
  });

  // `on`, not `once`: a second signal (tsx relays the one it got) must not kill the process mid-close.
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  }
});
