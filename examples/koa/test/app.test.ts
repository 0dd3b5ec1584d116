import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { DEMO_ROUTES } from '@ably-chat-auth-examples/shared';
import { DemoClient, describeDemoExample, listenOnLoopback, serveDuringSuite, type StartDemoApp } from '@ably-chat-auth-examples/shared/testing';
import { createApp, SESSION_COOKIE } from '../src/index';

const start: StartDemoApp = (config) => {
  const callback = createApp(config, { logger: false }).callback();
  return listenOnLoopback(createServer((req, res) => void callback(req, res)));
};

describeDemoExample('Koa', { start, serverEntry: join(__dirname, '..', 'src', 'server.ts'), sessionCookie: SESSION_COOKIE });

describe('Koa example session cookie', () => {
  const app = serveDuringSuite(start);

  test('a session cookie with a forged id or signature gets 401', async () => {
    const alice = new DemoClient(app.baseUrl);
    await alice.login('alice');
    // koa-session's cookie holds a random id and its signature, never the user.
    const id = alice.jar.get(SESSION_COOKIE)!;
    const signature = alice.jar.get(`${SESSION_COOKIE}.sig`)!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(signature).toBeDefined();
    const tokenUrl = app.baseUrl + DEMO_ROUTES.token;
    expect((await fetch(tokenUrl, { headers: { cookie: alice.cookie! } })).status).toBe(200);
    for (const cookie of [
      `${SESSION_COOKIE}=${id}`,
      `${SESSION_COOKIE}=${id}; ${SESSION_COOKIE}.sig=${signature.slice(1)}x`,
      `${SESSION_COOKIE}=${randomUUID()}; ${SESSION_COOKIE}.sig=${signature}`,
    ]) {
      expect((await fetch(tokenUrl, { headers: { cookie } })).status).toBe(401);
    }
  });
});
