import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import {
  RedisUnavailableError,
  STORE_RETRY_AFTER_SECONDS,
  connectRedis,
  connectRedisOrExit,
  createDemoConfig,
  demoRedisKeys,
  isStoreUnavailableError,
  storeUnavailableResponse,
  type RedisLog,
} from '../src/index';
import { RedisServer, freePort } from '../src/testing';

function recordingLog(): RedisLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, error: (m) => lines.push(`error: ${m}`), info: (m) => lines.push(`info: ${m}`) };
}

async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('connectRedis against a real redis-server', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(() => server.stop());

  test('connects, fails commands fast while Redis is down (no queue, no hang), and recovers on its own', async () => {
    const log = recordingLog();
    const redis = await connectRedis(server.url, { log });
    try {
      await redis.set('k', 'v');
      expect(await redis.get('k')).toBe('v');

      await server.stop();
      const started = Date.now();
      const failure = await redis.get('k').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(Date.now() - started).toBeLessThan(1500);
      expect(isStoreUnavailableError(failure)).toBe(true);
      await eventually(() => Promise.resolve(log.lines.some((line) => line.startsWith('error: Redis at redis://127.0.0.1'))));
      // One line per outage, however many reconnects fail.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(log.lines.filter((line) => line.startsWith('error:'))).toHaveLength(1);

      await server.restart();
      await eventually(() =>
        redis.ping().then(
          (pong) => pong === 'PONG',
          () => false,
        ),
      );
      // Nothing was persisted: the restarted Redis is empty, and the client works again.
      expect(await redis.get('k')).toBeNull();
      expect(log.lines).toContain(`info: Redis at ${server.url} is back.`);
    } finally {
      redis.disconnect();
    }
  });

  test('a command that gets no reply fails after commandTimeoutMs', async () => {
    const redis = await connectRedis(server.url, { log: false, commandTimeoutMs: 200 });
    try {
      // CLIENT PAUSE makes Redis hold every reply: a hung server, not a refused connection.
      const pauser = await connectRedis(server.url, { log: false });
      await pauser.call('CLIENT', 'PAUSE', '1500', 'ALL');
      pauser.disconnect();
      const started = Date.now();
      const failure = await redis.get('k').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(Date.now() - started).toBeLessThan(1000);
      expect(failure).toMatchObject({ message: 'Command timed out' });
      expect(isStoreUnavailableError(failure)).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});

describe('connectRedis when Redis cannot be reached', () => {
  test('a refused connection rejects at once with a message naming REDIS_URL, never the password', async () => {
    const port = await freePort();
    const started = Date.now();
    const failure = await connectRedis(`redis://:TopSecretPassword@127.0.0.1:${port}`, { log: false }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(Date.now() - started).toBeLessThan(2500);
    expect(failure).toBeInstanceOf(RedisUnavailableError);
    const message = (failure as Error).message;
    expect(message).toContain(`Cannot reach Redis at REDIS_URL=redis://:***@127.0.0.1:${port}`);
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('TopSecretPassword');
  });

  test('a server that accepts but never answers fails within the connect timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      await expect(connectRedis(`redis://127.0.0.1:${port}`, { log: false, connectTimeoutMs: 500 })).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  test('connectRedisOrExit: undefined without REDIS_URL; prints the cause and exits 1 when unreachable', async () => {
    expect(await connectRedisOrExit(createDemoConfig())).toBeUndefined();
    const errors: string[] = [];
    const exit = (code: number): never => {
      throw new Error(`exit ${code}`);
    };
    const config = createDemoConfig({ redisUrl: `redis://127.0.0.1:${await freePort()}`, sessionSecret: 'shared' });
    await expect(connectRedisOrExit(config, { error: (m) => errors.push(m), exit })).rejects.toThrow('exit 1');
    expect(errors).toEqual([expect.stringMatching(/^Configuration error: Cannot reach Redis at REDIS_URL=redis:\/\/127\.0\.0\.1:\d+\/? \(/)]);
  });
});

describe('storeUnavailableResponse', () => {
  const down = new Error("Stream isn't writeable and enableOfflineQueue options is false");

  test('on the token route (any case, one trailing slash): Ably\u2019s 503 with Retry-After, which the Ably client retries', () => {
    for (const path of ['/api/ably-token', '/API/Ably-Token', '/api/ably-token/']) {
      const response = storeUnavailableResponse(down, path)!;
      expect(response.status).toBe(503);
      expect(response.headers).toMatchObject({ 'Retry-After': String(STORE_RETRY_AFTER_SECONDS), 'x-ably-errorcode': '50300', 'Cache-Control': 'no-store' });
      expect(JSON.parse(response.body) as unknown).toEqual({
        error: { code: 50300, statusCode: 503, message: expect.stringMatching(/session store is unavailable/) as unknown },
      });
    }
  });

  test('elsewhere: a JSON 503 with Retry-After; never the cause', () => {
    const response = storeUnavailableResponse(new Error('Command timed out'), '/login')!;
    expect(response.status).toBe(503);
    expect(response.headers).toMatchObject({ 'Retry-After': '5', 'Content-Type': 'application/json; charset=utf-8' });
    expect(JSON.parse(response.body)).toEqual({ error: 'The session store is unavailable; try again in 5 s.' });
    expect(response.body).not.toMatch(/timed out/);
  });

  test('other errors are not store outages (a bug must stay a 500), also when wrapped', () => {
    expect(storeUnavailableResponse(new TypeError('x is undefined'), '/login')).toBeUndefined();
    expect(storeUnavailableResponse('Command timed out', '/login')).toBeUndefined();
    expect(isStoreUnavailableError(new Error('session failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }))).toBe(
      true,
    );
    expect(isStoreUnavailableError(Object.assign(new Error('LOADING Redis is loading the dataset in memory'), { name: 'ReplyError' }))).toBe(true);
    expect(isStoreUnavailableError(Object.assign(new Error('WRONGTYPE Operation against a key'), { name: 'ReplyError' }))).toBe(false);
  });

  test('demoRedisKeys gives each app its own prefixes', () => {
    expect(demoRedisKeys('koa')).toEqual({ sessions: 'koa:sess:', loginLimit: 'koa:rl:login:', tokenLimit: 'koa:rl:token:' });
  });
});
