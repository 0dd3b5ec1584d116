/* Fault injection through every adapter: hanging resolver/policy, failing or hanging key provider,
 * throwing hooks and logger, a client that leaves mid-request, a rotated key. Each fault must get
 * a designed answer the Ably client handles well (503 + Retry-After is retried; a token is a token). */
import { expect } from '@jest/globals';
import { once } from 'node:events';
import { connect, createServer as createNetServer } from 'node:net';
import * as Ably from 'ably';
import { jwtVerify } from 'jose';
import type { Logger, TokenRouteHooks } from '@ably-chat-auth/core';
import { STRESS_ADAPTERS, type RunningAdapter, type StressAdapter } from './support/adapters';
import { expectAblyError as kitExpectAblyError } from '@ably-chat-auth/adapter-contract/testing';
import {
  createKey,
  createSetup,
  Recorder,
  SessionStore,
  signatureProblem,
  stressPolicy,
  tokenProblem,
  type StressKey,
  type StressRouteOptions,
  type StressSetup,
  type StressUser,
} from './support/fixture';
import { watchProcess, type ProcessWatch } from './support/process-watch';
import { sendRaw, type RawResponse } from './support/raw-http';

const USERS: StressUser[] = ['alice', 'bob', 'hangs-in-resolver', 'hangs-in-policy', 'resolver-throws', 'slow']
  .map((id) => ({ id, banned: false }))
  .concat({ id: 'banned', banned: true });
const sessions = new SessionStore(USERS);
/** core's smallest timeout: 1 s. */
const TIMEOUT_SECONDS = 1;

const never = <T>(): Promise<T> => new Promise<T>(() => {});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** The session-store resolver, plus the users whose resolution hangs, throws or waits for a gate. */
function faultyResolver(gate?: { entered(): void; release: Promise<void> }): StressSetup['resolveUserFromHeaders'] {
  return (headers) => {
    const user = sessions.userForHeaders(headers);
    if (user?.id === 'hangs-in-resolver') return never();
    if (user?.id === 'resolver-throws') throw new Error('The session store is unreachable.');
    if (user?.id === 'slow' && gate) {
      gate.entered();
      return gate.release.then(() => user);
    }
    return user;
  };
}

const faultyPolicy = (user: StressUser) => (user.id === 'hangs-in-policy' ? never<null>() : stressPolicy(user));

async function ask(running: RunningAdapter, userId?: string, method = 'GET'): Promise<RawResponse> {
  const outcome = await sendRaw(running.port, { method, target: running.tokenPath, headers: userId ? [['Cookie', sessions.cookieOf(userId)]] : [] });
  if (!outcome.ok) throw new Error(`no answer: ${outcome.error}`);
  return outcome.response;
}

function header(response: RawResponse, name: string): string | undefined {
  return response.headers[name]?.[0];
}

/** An Ably-shaped error answer with this status and code (the test kit's rule, on a raw answer). */
function expectAblyError(response: RawResponse, status: number, code: number): void {
  const headers = new Headers(Object.entries(response.headers).map(([name, values]): [string, string] => [name, values.join(', ')]));
  kitExpectAblyError({ status: response.status, headers, body: response.body.toString() }, status, code);
}

async function expectToken(response: RawResponse, userId: string, key: StressKey): Promise<void> {
  expect({ status: response.status, contentType: header(response, 'content-type') }).toEqual({ status: 200, contentType: 'application/jwt' });
  const token = response.body.toString();
  expect(tokenProblem(token, userId, key.keyName)).toBeNull();
  expect(await signatureProblem(token, key)).toBeNull();
}

/** An Ably REST client that asks our token route and would fail at once if it ever called Ably itself. */
async function ablyClient(running: RunningAdapter, userId: string): Promise<Ably.Rest> {
  const probe = createNetServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return new Ably.Rest({
    restHost: '127.0.0.1',
    port,
    tls: false,
    fallbackHosts: [],
    logLevel: 0,
    authUrl: `${running.baseUrl}${running.tokenPath}`,
    authHeaders: { cookie: sessions.cookieOf(userId) },
  });
}

/** Starts an adapter with `overrides`, runs `body`, and always closes the server. */
async function withAdapter(
  adapter: StressAdapter,
  overrides: Partial<StressRouteOptions> & { resolveUserFromHeaders?: StressSetup['resolveUserFromHeaders']; key?: StressKey },
  body: (running: RunningAdapter, context: { recorder: Recorder; key: StressKey }) => Promise<void>,
): Promise<Recorder> {
  const { resolveUserFromHeaders, key = createKey(), ...options } = overrides;
  const recorder = new Recorder();
  const setup = createSetup(sessions, recorder, key, { timeout: TIMEOUT_SECONDS, policy: faultyPolicy, ...options });
  const running = await adapter.start({ ...setup, resolveUserFromHeaders: resolveUserFromHeaders ?? faultyResolver() });
  try {
    await body(running, { recorder, key });
  } finally {
    await running.close();
  }
  return recorder;
}

describe.each(STRESS_ADAPTERS.map((adapter) => [adapter.name, adapter] as const))('faults through %s', (_name, adapter) => {
  let watch: ProcessWatch;
  beforeEach(() => {
    watch = watchProcess();
  });
  afterEach(() => {
    watch.stop();
    expect(watch.unhandledRejections).toEqual([]);
    expect(watch.uncaughtExceptions).toEqual([]);
  });

  test('a resolver or policy that hangs: 503 with Retry-After after the timeout, not a held connection', async () => {
    const recorder = await withAdapter(adapter, {}, async (running, { key }) => {
      const started = Date.now();
      const client = await ablyClient(running, 'hangs-in-resolver');
      const [resolverHangs, policyHangs, ablySees, meanwhile] = await Promise.all([
        ask(running, 'hangs-in-resolver'),
        ask(running, 'hangs-in-policy', 'POST'),
        client.auth.requestToken().then(
          () => null,
          (error: Ably.ErrorInfo) => error,
        ),
        // Other users are not held up by the hanging ones.
        sleep(100).then(() => ask(running, 'alice')),
      ]);
      const elapsed = Date.now() - started;
      for (const response of [resolverHangs, policyHangs]) {
        expectAblyError(response, 503, 50003);
        expect(header(response, 'retry-after')).toBe('5');
      }
      // ably-js reads the 503 as a retriable failure (DISCONNECTED, retried), not FAILED.
      expect(ablySees).toMatchObject({ statusCode: 503, code: 50003 });
      await expectToken(meanwhile, 'alice', key);
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000 - 50);
      expect(elapsed).toBeLessThan(TIMEOUT_SECONDS * 1000 + 4000);
    });
    expect(recorder.errors).toEqual(
      expect.arrayContaining([
        { status: 503, phase: 'resolveUser' },
        { status: 503, phase: 'policy' },
      ]),
    );
    expect(recorder.errorLines.every((line) => line.source === 'ably-chat-auth' && /timed out/.test(line.message))).toBe(true);
  });

  test('a key provider that fails, throws or hangs: 503 with Retry-After; the next request recovers', async () => {
    let mode: 'ok' | 'rejects' | 'throws' | 'hangs' = 'rejects';
    const key = createKey('providerKey');
    const apiKey = (): string | Promise<string> => {
      if (mode === 'throws') throw new Error('vault client crashed');
      if (mode === 'rejects') return Promise.reject(new Error('vault unreachable'));
      if (mode === 'hangs') return never<string>();
      return Promise.resolve(key.apiKey);
    };
    const recorder = await withAdapter(adapter, { apiKey, key }, async (running) => {
      const failing = await ask(running, 'alice');
      expectAblyError(failing, 503, 50300);
      expect(header(failing, 'retry-after')).toBe('5');
      await expect((await ablyClient(running, 'alice')).auth.requestToken()).rejects.toMatchObject({ statusCode: 503, code: 50300 });

      mode = 'throws';
      expectAblyError(await ask(running, 'bob', 'POST'), 503, 50300);

      mode = 'hangs';
      const hanging = await ask(running, 'alice');
      expectAblyError(hanging, 503, 50003);
      expect(header(hanging, 'retry-after')).toBe('5');

      mode = 'ok';
      await expectToken(await ask(running, 'alice'), 'alice', key);
      await expectToken(await ask(running, 'bob', 'POST'), 'bob', key);
    });
    expect(recorder.errors.map((e) => `${e.status} ${e.phase}`)).toEqual(['503 apiKey', '503 apiKey', '503 apiKey', '503 apiKey']);
    expect(JSON.stringify(recorder.logs)).not.toContain(key.secret);
  });

  test.each(['sync', 'async'] as const)('hooks that throw (%s) and a logger that throws: every answer is still right', async (style) => {
    const fail = (what: string) => {
      if (style === 'sync') throw new Error(`${what} hook exploded`);
      return Promise.reject(new Error(`${what} hook rejected`));
    };
    const hooks: TokenRouteHooks<StressUser, unknown> = {
      onTokenIssued: () => fail('onTokenIssued'),
      onDenied: () => fail('onDenied'),
      onError: () => fail('onError'),
    };
    let loggerCalls = 0;
    const logger: Logger = {
      error: () => {
        loggerCalls++;
        throw new Error('log sink down');
      },
      warn: () => {
        loggerCalls++;
        throw new Error('log sink down');
      },
    };
    await withAdapter(adapter, { hooks, logger }, async (running, { key }) => {
      await expectToken(await ask(running, 'alice'), 'alice', key);
      await expectToken(await ask(running, 'bob', 'POST'), 'bob', key);
      expectAblyError(await ask(running), 401, 40100);
      expectAblyError(await ask(running, 'banned'), 403, 40300);
      expectAblyError(await ask(running, 'alice', 'PUT'), 405, 40500);
      expectAblyError(await ask(running, 'resolver-throws'), 500, 50000);
      // Still serving, and the rejected async hooks surfaced nowhere.
      await sleep(20);
      await expectToken(await ask(running, 'alice'), 'alice', key);
    });
    // The hook failures were reported to the logger (which threw, and was ignored).
    expect(loggerCalls).toBeGreaterThanOrEqual(6);
  });

  test('a client that leaves mid-request: nothing logged as a fault, no unhandled rejection, still serving', async () => {
    const entered = deferred();
    const release = deferred();
    const recorder = await withAdapter(
      adapter,
      { resolveUserFromHeaders: faultyResolver({ entered: entered.resolve, release: release.promise }) },
      async (running, { recorder, key }) => {
        // 1. The resolver is slow; the client gives up and closes the socket before the answer.
        const socket = connect(running.port, '127.0.0.1');
        socket.on('error', () => {});
        socket.write(`GET ${running.tokenPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${sessions.cookieOf('slow')}\r\n\r\n`);
        await entered.promise;
        socket.destroy();
        await sleep(100);
        release.resolve();
        await waitFor(() => recorder.issued.some((event) => event.clientId === 'slow'), 3000, 'the slow request to finish');
        await sleep(50);

        // 2. The client leaves in the middle of uploading a form body.
        const uploader = connect(running.port, '127.0.0.1');
        uploader.on('error', () => {});
        uploader.write(
          `POST ${running.tokenPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${sessions.cookieOf('alice')}\r\n` +
            `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 50000\r\n\r\nclientId=admin&capability=`,
        );
        await sleep(100);
        uploader.destroy();
        await sleep(100);

        await expectToken(await ask(running, 'bob'), 'bob', key);
      },
    );
    expect(recorder.errorLines).toEqual([]);
    expect(recorder.logs.filter((line) => line.level === 'warn')).toEqual([]);
  });

  test('a rotated key: the next token is signed with the new key and carries its kid', async () => {
    const oldKey = createKey('oldKey');
    const newKey = createKey('newKey');
    let current = oldKey;
    await withAdapter(adapter, { apiKey: () => Promise.resolve(current.apiKey), key: oldKey }, async (running) => {
      const before = await ask(running, 'alice');
      await expectToken(before, 'alice', oldKey);

      current = newKey;
      const after = await ask(running, 'alice', 'POST');
      await expectToken(after, 'alice', newKey);
      const { protectedHeader } = await jwtVerify(after.body.toString(), new TextEncoder().encode(newKey.secret), { algorithms: ['HS256'] });
      expect(protectedHeader.kid).toBe('stressApp.newKey');
      await expect(jwtVerify(after.body.toString(), new TextEncoder().encode(oldKey.secret))).rejects.toThrow();
      // And back: a provider is asked on every token.
      current = oldKey;
      await expectToken(await ask(running, 'bob'), 'bob', oldKey);
    });
  });
});
