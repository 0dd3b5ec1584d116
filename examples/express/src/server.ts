/* Runs the Express example: `pnpm start` (from the repository root) or `pnpm --filter @ably-chat-auth-examples/express start`. */
import type { AddressInfo } from 'node:net';
import { connectRedisOrExit, loadDemoConfigOrExit, serveMetricsOrExit, startupNotices } from '@ably-chat-auth-examples/shared';
import { createApp } from './app.js';

const config = loadDemoConfigOrExit(process.env);
for (const notice of startupNotices(config)) console.log(notice);
serveMetricsOrExit(config);

void connectRedisOrExit(config).then((redis) => {
  const server = createApp(config, { redis }).listen(config.port, (error?: Error) => {
    if (error) {
      const code = (error as NodeJS.ErrnoException).code;
      console.error(code === 'EADDRINUSE' ? `Port ${config.port} is in use: set PORT to another port.` : `Could not start the server: ${error.message}`);
      process.exit(1);
    }
    const { port } = server.address() as AddressInfo;
    console.log(`Express example listening on http://localhost:${port}`);
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
