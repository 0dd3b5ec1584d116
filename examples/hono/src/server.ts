/* Runs the Hono example: `pnpm start:hono` (from the repository root) or `pnpm --filter @ably-chat-auth-examples/hono start`. */
import type { Server } from 'node:http';
import {
  closeHttpServer,
  closeOnSignals,
  connectRedisOrExit,
  listenFailureMessage,
  loadDemoConfigOrExit,
  serveMetricsOrExit,
  startupNotices,
} from '@ably-chat-auth-examples/shared';
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
  server.once('error', (error) => {
    console.error(listenFailureMessage(error, config.port));
    process.exit(1);
  });

  closeOnSignals(() => closeHttpServer(server), 'Hono example');
});
