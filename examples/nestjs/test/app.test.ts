import { expect } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describeDemoExample, serveDuringSuite, type StartDemoApp } from '@ably-chat-auth-examples/shared/testing';
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
  const app = serveDuringSuite(start);

  test('the global prefix covers only the token route; other paths get a JSON 404', async () => {
    for (const path of ['/api/', '/api/login', '/ably-token', '/api/assets/chat-page.js']) {
      const response = await fetch(app.baseUrl + path);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/^Cannot GET /) });
    }
  });
});
