import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { AblyChatAuthModule } from '@ably-chat-auth/nestjs';
import { API_KEY, PLATFORMS, request, startApp, type TestApp } from './helpers';

/** Collects what Nest's Logger writes at `warn`. */
function warningsOf(): { logger: LoggerService; warnings: string[] } {
  const warnings: string[] = [];
  const ignore = (): void => undefined;
  return { warnings, logger: { log: ignore, error: ignore, warn: (message: unknown) => void warnings.push(String(message)) } };
}

async function startWithPrefix(
  platform: (typeof PLATFORMS)[number],
  path: string | undefined,
  prefix: (app: TestApp['app']) => void,
  logger: LoggerService,
): Promise<TestApp> {
  return startApp(
    platform,
    { imports: [AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy: { lobby: 'all' }, logger: false, ...(path === undefined ? {} : { path }) })] },
    (app) => {
      app.useLogger(logger);
      prefix(app);
    },
  );
}

describe.each(PLATFORMS)('a token route path that repeats the global prefix, on %s', (platform) => {
  test("the default path under setGlobalPrefix('api') is served at /api/api/ably-token, and startup warns saying what to pass", async () => {
    const { logger, warnings } = warningsOf();
    const server = await startWithPrefix(platform, undefined, (app) => app.setGlobalPrefix('api'), logger);
    try {
      expect((await request(`${server.baseUrl}/api/api/ably-token`)).status).toBe(401);
      expect((await request(`${server.baseUrl}/api/ably-token`)).status).toBe(404);
      expect(warnings).toEqual([
        expect.stringContaining("already starts with the app's global prefix 'api', so the route is served at /api/api/ably-token. Pass path: 'ably-token'"),
      ]);
    } finally {
      await server.close();
    }
  });

  test.each([
    ["path 'ably-token' under the prefix", 'ably-token', (app: TestApp['app']) => app.setGlobalPrefix('api')],
    ['the default path with no prefix', undefined, () => undefined],
    ['the default path excluded from the prefix', undefined, (app: TestApp['app']) => app.setGlobalPrefix('api', { exclude: ['api/ably-token'] })],
  ])('no warning for %s, and the route is at /api/ably-token', async (_case, path, prefix) => {
    const { logger, warnings } = warningsOf();
    const server = await startWithPrefix(platform, path, prefix, logger);
    try {
      expect((await request(`${server.baseUrl}/api/ably-token`)).status).toBe(401);
      expect(warnings).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
