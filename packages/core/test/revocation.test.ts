import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { revokeTokens, isAblyChatAuthError } from '../src/index';
import { TEST_KEY, TEST_KEY_NAME, TEST_SECRET } from './helpers';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  contentType?: string;
  body: { targets: string[]; issuedBefore?: number; allowReauthMargin?: boolean };
}

describe('revokeTokens', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Seen[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: null };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        const body = JSON.parse(data) as Seen['body'];
        seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body ?? body.targets.map((target) => ({ target, issuedBefore: 1, appliesAt: 2 }))));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
    answer = { status: 200, body: null };
  });

  it('posts the targets with basic auth, issuedBefore and allowReauthMargin', async () => {
    const result = await revokeTokens({
      apiKey: TEST_KEY,
      baseUrl,
      targets: [{ clientId: 'mallory' }, { revocationKey: 'team-7' }],
      issuedBefore: new Date(1_700_000_000_000),
      allowReauthMargin: true,
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: `/keys/${TEST_KEY_NAME}/revokeTokens`,
        authorization: `Basic ${Buffer.from(`${TEST_KEY_NAME}:${TEST_SECRET}`).toString('base64')}`,
        contentType: 'application/json',
        body: { targets: ['clientId:mallory', 'revocationKey:team-7'], issuedBefore: 1_700_000_000_000, allowReauthMargin: true },
      },
    ]);
    expect(result).toEqual([
      {
        targets: ['clientId:mallory', 'revocationKey:team-7'],
        response: [expect.objectContaining({ target: 'clientId:mallory' }), expect.objectContaining({ target: 'revocationKey:team-7' })],
      },
    ]);
  });

  it('sends at most 100 targets per call', async () => {
    const targets = Array.from({ length: 250 }, (_, i) => ({ clientId: `user-${i}` }));
    const result = await revokeTokens({ apiKey: TEST_KEY, baseUrl, targets });
    expect(seen.map((s) => s.body.targets.length)).toEqual([100, 100, 50]);
    expect(seen.flatMap((s) => s.body.targets)).toEqual(targets.map((t) => `clientId:${t.clientId}`));
    expect(seen[0]!.body).not.toHaveProperty('issuedBefore');
    expect(result).toHaveLength(3);
  });

  it("surfaces Ably's error code and message", async () => {
    answer = { status: 400, body: { error: { message: 'Revocation is not enabled for this key', code: 40162, statusCode: 400 } } };
    let caught: unknown;
    try {
      await revokeTokens({ apiKey: TEST_KEY, baseUrl, targets: [{ clientId: 'x' }] });
    } catch (error) {
      caught = error;
    }
    expect(isAblyChatAuthError(caught, 'ERR_REVOCATION_FAILED')).toBe(true);
    expect((caught as Error).message).toBe('Ably refused to revoke tokens (400, code 40162): Revocation is not enabled for this key');
    expect((caught as { details: Record<string, unknown> }).details).toMatchObject({ statusCode: 400, ablyCode: 40162 });
    expect(JSON.stringify(caught)).not.toContain(TEST_SECRET);
  });

  it('reports an unreachable host without the secret', async () => {
    const error = await revokeTokens({ apiKey: TEST_KEY, baseUrl: 'http://127.0.0.1:1', targets: [{ clientId: 'x' }] }).catch((e: unknown) => e);
    expect(isAblyChatAuthError(error, 'ERR_REVOCATION_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/Could not reach Ably/);
    expect((error as Error).message).not.toContain(TEST_SECRET);
  });

  it.each([[[]], [[{ clientId: '' }]], [[{ user: 'x' }]]])('refuses bad targets %j', async (targets) => {
    await expect(revokeTokens({ apiKey: TEST_KEY, baseUrl, targets: targets as never })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS' });
    expect(seen).toHaveLength(0);
  });
});

describe('revokeTokens and redirects', () => {
  // A redirect would resend the key (basic auth) to wherever the Location points.
  let redirector: Server;
  let target: Server;
  let redirectorUrl: string;
  let targetHost: string;
  const reachedTarget: string[] = [];
  let answer: { status: number; location: string } = { status: 301, location: '/' };

  beforeAll(async () => {
    target = createServer((req, res) => {
      reachedTarget.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
    redirector = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(answer.status, { location: answer.location, 'content-type': 'text/plain' });
        res.end('moved');
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    targetHost = `127.0.0.1:${(target.address() as AddressInfo).port}`;
    redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => redirector.close(() => resolve()));
    await new Promise<void>((resolve) => target.close(() => resolve()));
  });
  beforeEach(() => {
    reachedTarget.length = 0;
  });

  it.each([301, 302, 307, 308])('refuses a %d without following it, naming the Location host but not the key', async (status) => {
    answer = { status, location: `http://${targetHost}/keys/${TEST_KEY_NAME}/revokeTokens` };
    const error = await revokeTokens({ apiKey: TEST_KEY, baseUrl: redirectorUrl, targets: [{ clientId: 'mallory' }] }).catch((e: unknown) => e);
    expect(isAblyChatAuthError(error, 'ERR_REVOCATION_FAILED')).toBe(true);
    expect((error as Error).message).toContain(`redirect (${status}) to ${targetHost}`);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({ statusCode: status, redirectHost: targetHost });
    for (const text of [(error as Error).message, JSON.stringify(error)]) {
      expect(text).not.toContain(TEST_SECRET);
      expect(text).not.toContain(Buffer.from(`${TEST_KEY_NAME}:${TEST_SECRET}`).toString('base64'));
    }
    expect(reachedTarget).toEqual([]);
  });

  it('names only the host of a Location that carries credentials or a path', async () => {
    answer = { status: 307, location: `http://user:pa55word@${targetHost}/secret/path?key=${TEST_SECRET}` };
    const error = await revokeTokens({ apiKey: TEST_KEY, baseUrl: redirectorUrl, targets: [{ clientId: 'mallory' }] }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`to ${targetHost}`);
    expect(JSON.stringify(error)).not.toMatch(/pa55word|secret\/path/);
    expect((error as Error).message).not.toContain(TEST_SECRET);
    expect(reachedTarget).toEqual([]);
  });

  it('names the same host for a relative Location', async () => {
    answer = { status: 301, location: '/elsewhere' };
    const error = await revokeTokens({ apiKey: TEST_KEY, baseUrl: redirectorUrl, targets: [{ clientId: 'mallory' }] }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`to ${new URL(redirectorUrl).host}`);
  });
});

describe("revokeTokens reads Ably's answer with bounds", () => {
  // A real server on loopback whose answer each test picks; it counts what it managed to send.
  let server: Server;
  let baseUrl: string;
  let handler: (res: ServerResponse) => void = (res) => res.end('[]');
  let sent = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => handler(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (sent = 0));

  /** Streams `total` bytes of JSON-ish text in 64 KiB chunks, as fast as the client reads them. */
  function stream(res: ServerResponse, total: number, status = 200): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  }

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as Error & { code?: string; details?: Record<string, unknown> },
    );

  it('stops reading an endless answer past 64 KiB (a 300 MB body is never read whole)', async () => {
    handler = (res) => stream(res, 300 * 1024 * 1024);
    const error = await failure(revokeTokens({ apiKey: TEST_KEY, baseUrl, targets: [{ clientId: 'x' }] }));
    expect(error).toMatchObject({ code: 'ERR_REVOCATION_FAILED', details: { statusCode: 200, limit: 65_536 } });
    expect(error?.message).toContain('answered the revocation (200) with more than 64 KiB');
    // What left the server before the client cancelled: socket buffers, not 300 MB.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a Content-Length over the limit before reading, for an error answer too', async () => {
    handler = (res) => {
      res.writeHead(500, { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) });
      res.write('{"error":');
      // Never completes: only the header can have been judged.
    };
    const error = await failure(revokeTokens({ apiKey: TEST_KEY, baseUrl, targets: [{ clientId: 'x' }], timeoutMs: 5_000 }));
    expect(error).toMatchObject({ code: 'ERR_REVOCATION_FAILED', details: { statusCode: 500 } });
    expect(error?.message).toContain('with more than 64 KiB');
  });

  it('reads an answer of exactly 64 KiB', async () => {
    const body = JSON.stringify([{ target: 'clientId:x', pad: '' }]);
    const padded = JSON.stringify([{ target: 'clientId:x', pad: 'p'.repeat(65_536 - body.length) }]);
    expect(Buffer.byteLength(padded)).toBe(65_536);
    handler = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(padded);
    const [result] = await revokeTokens({ apiKey: TEST_KEY, baseUrl, targets: [{ clientId: 'x' }] });
    expect(result?.response).toEqual(JSON.parse(padded));
  });

  it('escapes control and bidi characters of the remote message, and cuts it short', async () => {
    const message = `Denied\u001b[2K\r\u202e\u0007 ${'x'.repeat(1000)}`;
    handler = (res) => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message, code: 40101 } }));
    const error = await failure(revokeTokens({ apiKey: TEST_KEY, baseUrl, targets: [{ clientId: 'x' }] }));
    expect(error?.code).toBe('ERR_REVOCATION_FAILED');
    expect(error?.message.startsWith('Ably refused to revoke tokens (401, code 40101): Denied\\u001b[2K\\u000d\\u202e\\u0007 xxx')).toBe(true);
    // eslint-disable-next-line no-control-regex -- none may remain raw
    expect(error?.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(error?.message.length).toBeLessThan(450);
    expect(error?.message.endsWith('…')).toBe(true);
  });

  it('refuses a baseUrl with credentials without quoting them, before any request', async () => {
    let requests = 0;
    handler = (res) => {
      requests++;
      res.end('[]');
    };
    const withCredentials = baseUrl.replace('http://', 'http://admin:hunter2-proxy-password@');
    const error = await failure(revokeTokens({ apiKey: TEST_KEY, baseUrl: withCredentials, targets: [{ clientId: 'x' }] }));
    expect(error?.code).toBe('ERR_INVALID_OPTIONS');
    expect(error?.message).toContain('baseUrl must not carry credentials');
    for (const text of [error?.message, JSON.stringify(error), inspect(error)]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('admin:');
    }
    expect(requests).toBe(0);
  });

  it('refuses a baseUrl that is no http(s) URL', async () => {
    for (const bad of ['not a url', 'ftp://127.0.0.1/']) {
      expect(await failure(revokeTokens({ apiKey: TEST_KEY, baseUrl: bad, targets: [{ clientId: 'x' }] }))).toMatchObject({ code: 'ERR_INVALID_OPTIONS' });
    }
  });

  it('authenticates with base64 of the UTF-8 key, as Buffer would encode it', async () => {
    let authorization: string | undefined;
    const capture = createServer((req, res) => {
      authorization = req.headers.authorization;
      req.resume();
      req.on('end', () => res.end('[]'));
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    try {
      await revokeTokens({ apiKey: TEST_KEY, baseUrl: `http://127.0.0.1:${(capture.address() as AddressInfo).port}/`, targets: [{ clientId: 'x' }] });
    } finally {
      await new Promise<void>((resolve) => capture.close(() => resolve()));
    }
    expect(authorization).toBe(`Basic ${Buffer.from(`${TEST_KEY_NAME}:${TEST_SECRET}`, 'utf8').toString('base64')}`);
  });
});
