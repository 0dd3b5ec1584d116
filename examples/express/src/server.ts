/* Runs the Express example: `pnpm start` (from the repository root) or `pnpm --filter @ably-chat-auth-examples/express start`. */
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
  const server = createApp(config, { redis }).listen(config.port, (error?: Error) => {
    if (error) {
      console.error(listenFailureMessage(error, config.port));
      process.exit(1);
    }
    const { port } = server.address() as AddressInfo;
    console.log(`Express example listening on http://localhost:${port}`);
  });

  closeOnSignals(() => closeHttpServer(server), 'Express example');
});
