import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenRoute } from '@ably-chat-auth/core';
import { DEV_API_KEY, serveMetricsOrExit, startMetricsServer } from '../src/index';

describe('startMetricsServer', () => {
  test('without METRICS_PORT: serves nothing', async () => {
    expect(await startMetricsServer({ metricsPort: undefined })).toBeUndefined();
  });

  test("registers the SDK globally and serves the token route's metrics on 127.0.0.1 /metrics only", async () => {
    const route = createTokenRoute({ apiKey: DEV_API_KEY, resolveUser: () => ({ id: 'alice' }), policy: { lobby: 'all' }, logger: false });
    const running = await startMetricsServer({ metricsPort: 0 });
    try {
      expect(running?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await route.handle({ method: 'GET', native: {} })).status).toBe(200);
      const text = await (await fetch(running!.url)).text();
      expect(text).toMatch(
        /^ably_chat_auth_token_answers_total\{http_request_method="GET",http_response_status_code="200",ably_chat_auth_outcome="issued",[^}]*\} 1$/m,
      );
      expect((await fetch(running!.url.replace('/metrics', '/'))).status).toBe(404);
    } finally {
      await running?.close();
    }
  });

  test('a METRICS_PORT in use: says so and exits with status 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const errors: string[] = [];
    try {
      const exited = await new Promise<number>((resolve) => {
        serveMetricsOrExit(
          { metricsPort: port },
          { log: () => undefined, error: (m) => errors.push(m), exit: ((code: number) => resolve(code)) as (code: number) => never },
        );
      });
      expect(exited).toBe(1);
      expect(errors).toEqual([`METRICS_PORT ${port} is in use: set METRICS_PORT to another port.`]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
