/* Runs the NestJS example: `pnpm start:nestjs` (from the repository root) or `pnpm --filter @ably-chat-auth-examples/nestjs start`. */
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
    await app.listen(config.port);
  } catch (error) {
    console.error(listenFailureMessage(error, config.port));
    process.exit(1);
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(`NestJS example listening on http://localhost:${port}`);

  closeOnSignals(() => app.close(), 'NestJS example');
}

main().catch((error: unknown) => {
  console.error('The NestJS example failed to start:', error);
  process.exit(1);
});
