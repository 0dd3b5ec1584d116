import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from '@jest/globals';
import * as Ably from 'ably';
import { createAuthCallback, type AuthCallback, type AuthToken, type TokenRouteError } from '@ably-chat-auth/client';
import { answer, deadPort, refusal, startRouteServer, type RouteServer } from './route-server';

// Two loopback servers on two ports are two origins: the token route (ours) and another site.

function run(callback: AuthCallback): Promise<{ error: TokenRouteError | null; token: AuthToken | null }> {
  return new Promise((resolve) => callback({}, (error, token) => resolve({ error, token })));
}

const OURS = 'eyJhbGciOiJIUzI1NiJ9.eyJ4LWFibHktY2xpZW50SWQiOiJhbGljZSJ9.b3Vycw';
const THEIRS = 'eyJhbGciOiJIUzI1NiJ9.eyJ4LWFibHktY2xpZW50SWQiOiJtYWxsb3J5In0.dGhlaXJz';
const CAP = 128 * 1024;
const HUGE = 64 * 1024 * 1024;

/** A route that streams `total` bytes of `contentType` with backpressure, counting what the socket accepted. */
function streamingServer(status: number, contentType: string, total: number): Promise<{ server: Server; url: string; written: () => number }> {
  let written = 0;
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/ably-token`, written: () => written }),
    ),
  );
}

let ours: RouteServer;
let theirs: RouteServer;
beforeAll(async () => {
  theirs = await startRouteServer({ '/token': answer(200, 'application/jwt', THEIRS), '/forbidden': refusal(403, 40300, 'No.') });
  ours = await startRouteServer({
    '/jwt': answer(200, 'application/jwt', OURS),
    '/same-origin': answer(302, undefined, '', { location: '/jwt' }),
    '/other-origin': answer(302, undefined, '', { location: theirs.url('/token') }),
    '/other-origin-403': answer(307, undefined, '', { location: theirs.url('/forbidden') }),
    '/exactly-cap': answer(200, 'text/plain', 'a'.repeat(CAP)),
  });
});
afterAll(async () => {
  await ours.close();
  await theirs.close();
});

describe('redirects', () => {
  test('a same-origin redirect is followed', async () => {
    await expect(run(createAuthCallback(ours.url('/same-origin')))).resolves.toEqual({ error: null, token: OURS });
  });

  test('a redirect to another origin is refused with a retriable error naming that origin; its token is never handed over', async () => {
    const { error, token } = await run(createAuthCallback(ours.url('/other-origin')));
    expect(token).toBeNull();
    expect(error).toMatchObject({ code: 40170, statusCode: 500 });
    expect(error!.message).toBe(`The token route ${ours.url('/other-origin')} redirected to another origin, ${new URL(theirs.url('/')).origin}: refused.`);
    expect(theirs.calls('/token')).toBe(1);
  });

  test("another origin's 403 does not stop the client either: only our route decides", async () => {
    const { error } = await run(createAuthCallback(ours.url('/other-origin-403')));
    expect(error).toMatchObject({ code: 40170, statusCode: 500 });
  });

  test('the real Ably client never holds the other origin\u2019s token and keeps retrying', async () => {
    const dead = await deadPort();
    const client = new Ably.Realtime({
      realtimeHost: '127.0.0.1',
      restHost: '127.0.0.1',
      port: dead,
      tls: false,
      fallbackHosts: [],
      logLevel: 0,
      autoConnect: false,
      authCallback: createAuthCallback(ours.url('/other-origin')),
    });
    try {
      await expect(client.auth.requestToken()).rejects.toMatchObject({ code: 40170, statusCode: 500, message: expect.stringContaining('another origin') });
      expect((client.auth as unknown as { tokenDetails?: unknown }).tokenDetails).toBeUndefined();
    } finally {
      client.close();
    }
  });
});

describe('body size', () => {
  test('a body of exactly 128 KiB is read', async () => {
    const { token } = await run(createAuthCallback(ours.url('/exactly-cap')));
    expect(token).toHaveLength(CAP);
  });

  test('a 64 MB token answer stops being read past 128 KiB: a retriable error, the rest never sent', async () => {
    const big = await streamingServer(200, 'application/jwt', HUGE);
    try {
      const { error, token } = await run(createAuthCallback(big.url));
      expect(token).toBeNull();
      expect(error).toMatchObject({ code: 40170, statusCode: 500, message: `The token route ${big.url} answered over 128 KiB: no token is that long.` });
      // Socket buffers on both sides hold a few MB at most; reading it all would have pulled 64 MB.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(big.written()).toBeLessThan(16 * 1024 * 1024);
    } finally {
      big.server.closeAllConnections();
      big.server.close();
    }
  });

  test('a 403 with a huge body still stops the client (status kept, body not read whole)', async () => {
    const big = await streamingServer(403, 'text/html', HUGE);
    try {
      const { error } = await run(createAuthCallback(big.url));
      expect(error).toMatchObject({ statusCode: 403, code: 40300, message: 'The token route answered 403 Forbidden.' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(big.written()).toBeLessThan(16 * 1024 * 1024);
    } finally {
      big.server.closeAllConnections();
      big.server.close();
    }
  });
});
