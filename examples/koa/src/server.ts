/* Runs the Koa example: `pnpm start:koa` (from the repository root) or `pnpm --filter @ably-chat-auth-examples/koa start`. */
import type { AddressInfo } from 'node:net';
import {
  closeHttpServer,
  closeOnSignals,
  connectRedisOrExit,
  listenFailureMessage,
  loadDemoConfigOrExit,
  serveMetricsOrExit,
  startupNotices,
} from '@ably-chat-auth-examples/shared';
import { createApp } from './app.js';

const config = loadDemoConfigOrExit(process.env);
for (const notice of startupNotices(config)) console.log(notice);
serveMetricsOrExit(config);

void connectRedisOrExit(config).then((redis) => {
  const server = createApp(config, { redis }).listen(config.port);
  server.once('error', (error) => {
    console.error(listenFailureMessage(error, config.port));
    process.exit(1);
  });
  server.once('listening', () => {
    const { port } = server.address() as AddressInfo;
    console.log(`Koa example listening on http://localhost:${port}`);
  });

  closeOnSignals(() => closeHttpServer(server), 'Koa example');
});
