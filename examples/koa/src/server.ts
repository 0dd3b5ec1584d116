/* Runs the Koa example: `pnpm start:koa` (from the repository root) or `pnpm --filter @ably-chat-auth-examples/koa start`. */
import type { AddressInfo } from 'node:net';
import { loadDemoConfigOrExit, serveMetricsOrExit, startupNotices } from '@ably-chat-auth-examples/shared';
import { createApp } from './app.js';

const config = loadDemoConfigOrExit(process.env);
for (const notice of startupNotices(config)) console.log(notice);
serveMetricsOrExit(config);

const server = createApp(config).listen(config.port);
server.once('error', (error: NodeJS.ErrnoException) => {
  console.error(error.code === 'EADDRINUSE' ? `Port ${config.port} is in use: set PORT to another port.` : `Could not start the server: ${error.message}`);
  process.exit(1);
});
server.once('listening', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`Koa example listening on http://localhost:${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
