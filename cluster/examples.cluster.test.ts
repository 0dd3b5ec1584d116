/* Two instances of each example over one Redis, as behind a load balancer: real processes of the
 * examples' server entries (`node --import tsx`), a real redis-server, stopped and restarted mid-suite. */
import { DEV_API_KEY } from '@ably-chat-auth-examples/shared';
import { DemoClient, RedisServer, ServerProcess } from '@ably-chat-auth-examples/shared/testing';
import { testKey, verifyAblyJwt } from '@ably-chat-auth/adapter-contract/testing';
import { EXAMPLE_LAUNCHERS } from './example-launchers';

const DEV_KEY = testKey(DEV_API_KEY.split(':')[0]!, DEV_API_KEY.split(':')[1]!);
const SESSION_SECRET = 'cluster-test-secret-shared-by-every-instance';
/** RATE_LIMIT_TOKEN_PER_MIN: the token limit the test exceeds across both instances. */
const TOKEN_LIMIT = 5;
const OUTAGE_DEADLINE_MS = 5000;

/**
 * The instances run behind "one proxy" (TRUST_PROXY_HOPS=1): each test speaks for a client address
 * of its own (X-Forwarded-For), so the limits one test counts never spill into another's.
 */
let nextAddress = 10;
function clientAddress(): Record<string, string> {
  return { 'x-forwarded-for': `203.0.113.${nextAddress++}` };
}

/** A browser: one cookie jar, sending its requests to either instance. */
class Browser {
  private readonly jar = new Map<string, string>();
  constructor(private readonly headers: Record<string, string>) {}

  /** A client for `baseUrl` sharing this browser's cookies (what a load balancer without stickiness does). */
  on(baseUrl: string): DemoClient {
    return new DemoClient(baseUrl, this.jar);
  }

  login(baseUrl: string, username: string): Promise<Response> {
    return this.on(baseUrl).login(username, this.headers);
  }
  logout(baseUrl: string): Promise<Response> {
    return this.on(baseUrl).logout(this.headers);
  }
  token(baseUrl: string): Promise<Response> {
    return this.on(baseUrl).request('/api/ably-token', { headers: { ...this.headers, accept: 'application/json, text/plain' } });
  }
}

async function clientIdOf(response: Response): Promise<unknown> {
  expect(response.status).toBe(200);
  return (await verifyAblyJwt(await response.text(), DEV_KEY)).payload['x-ably-clientId'];
}

async function eventually(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`The condition did not hold within ${ms} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(EXAMPLE_LAUNCHERS)('$name: two instances over one Redis', ({ serverEntry }) => {
  let redis: RedisServer;
  let instances: ServerProcess[] = [];
  let a: string;
  let b: string;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const env = {
      PORT: '0',
      REDIS_URL: redis.url,
      SESSION_SECRET,
      RATE_LIMIT_TOKEN_PER_MIN: String(TOKEN_LIMIT),
      RATE_LIMIT_LOGIN_PER_MIN: '1000',
      TRUST_PROXY_HOPS: '1',
    };
    instances = [ServerProcess.start(serverEntry, env), ServerProcess.start(serverEntry, env)];
    const ports = await Promise.all(instances.map((instance) => instance.waitFor(/listening on http:\/\/localhost:(\d+)/, 40_000)));
    [a, b] = ports.map(([, port]) => `http://127.0.0.1:${port}`) as [string, string];
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await redis.stop();
  });

  test('a login on A gives a token on B', async () => {
    const browser = new Browser(clientAddress());
    expect((await browser.login(a, 'alice')).status).toBe(200);
    expect(await clientIdOf(await browser.token(b))).toBe('alice');
  });

  test(`the token limit (${TOKEN_LIMIT} a minute) is one count across A and B: request ${TOKEN_LIMIT + 1} is refused`, async () => {
    const browser = new Browser(clientAddress());
    for (let i = 0; i < TOKEN_LIMIT; i++) expect((await browser.token(i % 2 ? b : a)).status).toBe(401);
    for (const instance of [a, b]) {
      const limited = await browser.token(instance);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-ably-errorcode')).toBe('42910');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
  });

  test('a logout on B ends the session on A', async () => {
    const browser = new Browser(clientAddress());
    expect((await browser.login(a, 'bob')).status).toBe(200);
    expect(await clientIdOf(await browser.token(a))).toBe('bob');
    const sessionCookies = new Map(browser.on(a).jar);
    expect((await browser.logout(b)).status).toBe(204);
    // Even a copy of the old cookie no longer resolves to bob, on either instance.
    expect((await new DemoClient(a, sessionCookies).token()).status).toBe(401);
    expect((await browser.token(a)).status).toBe(401);
  });

  test(`with Redis stopped both instances answer 503 with Retry-After within ${OUTAGE_DEADLINE_MS / 1000} s; restarted, a fresh login works on both`, async () => {
    const signedIn = new Browser(clientAddress());
    expect((await signedIn.login(a, 'carol')).status).toBe(200);
    await redis.stop();
    try {
      for (const instance of [a, b]) {
        const started = Date.now();
        const [token, login] = await Promise.all([signedIn.token(instance), new Browser(clientAddress()).login(instance, 'dave')]);
        expect(Date.now() - started).toBeLessThan(OUTAGE_DEADLINE_MS);
        expect(token.status).toBe(503);
        expect(token.headers.get('x-ably-errorcode')).toBe('50300');
        expect(Number(token.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(await token.json()).toMatchObject({ error: { code: 50300, statusCode: 503 } });
        expect(login.status).toBe(503);
        expect(Number(login.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(await login.json()).toEqual({ error: expect.stringMatching(/unavailable/) as unknown });
      }
    } finally {
      await redis.restart();
    }
    for (const instance of [a, b]) {
      const browser = new Browser(clientAddress());
      await eventually(async () => (await browser.login(instance, 'erin')).status === 200, 10_000);
      expect(await clientIdOf(await browser.token(instance === a ? b : a))).toBe('erin');
    }
  });
});
