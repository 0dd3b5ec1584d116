/* Runs the NestJS example: `pnpm start:nestjs` (from the repository root) or `pnpm --filter @ably-chat-auth-examples/nestjs start`. */
import { connectRedisOrExit, loadDemoConfigOrExit, serveMetricsOrExit, startupNotices } from '@ably-chat-auth-examples/shared';
import { createApp } from './app.js';

async function main(): Promise<void> {
  const config = loadDemoConfigOrExit(process.env);
  for (const notice of startupNotices(config)) console.log(notice);
  serveMetricsOrExit(config);

  const redis = await connectRedisOrExit(config);
  const app = await createApp(config, { redis });
  try {
    await app.listen(config.port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE' ? `Port ${config.port} is in use: set PORT to another port.` : `Could not start the server: ${(error as Error).message}`,
    );
    process.exit(1);
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(`NestJS example listening on http://localhost:${port}`);

  // `on`, not `once`: a second signal (tsx relays the one it got) must not kill the process mid-close.
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('The NestJS example failed to stop cleanly:', error);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  console.error('The NestJS example failed to start:', error);
  process.exit(1);
});
