import { expect } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEMO_ROUTES } from '@ably-chat-auth-examples/shared';
import { DemoClient, describeDemoExample, serveDuringSuite, type StartDemoApp } from '@ably-chat-auth-examples/shared/testing';
import { createApp, SESSION_COOKIE } from '../src/index';

const start: StartDemoApp = async (config) => {
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  // app.close() runs Nest's shutdown hooks and ends keep-alive connections.
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
};

describeDemoExample('NestJS', { start, serverEntry: join(__dirname, '..', 'src', 'server.ts'), sessionCookie: SESSION_COOKIE });

describe('NestJS example routing and limits', () => {
  const app = serveDuringSuite(start, { loginRateLimitPerMinute: 50, tokenRateLimitPerMinute: 2 });

  test('the global prefix covers only the token route; other paths get a JSON 404', async () => {
    for (const path of ['/api/', '/api/login', '/ably-token', '/api/assets/chat-page.js']) {
      const response = await fetch(app.baseUrl + path);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/^Cannot GET /) });
    }
  });

  test('GET, POST and case or trailing-slash variants of the token route share one limit; the page and login do not count', async () => {
    const client = new DemoClient(app.baseUrl);
    expect((await client.request(DEMO_ROUTES.token, { method: 'POST' })).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await fetch(app.baseUrl + DEMO_ROUTES.page)).status).toBe(200);
    expect((await client.login('alice')).status).toBe(200);
    expect((await client.request('/API/ably-token/')).status).toBe(200);
    const limited = await client.token('POST');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ably-errorcode')).toBe('42910');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
