import { inspect } from 'node:util';
import {
  DEV_API_KEY,
  DemoConfigError,
  MAX_TRUST_PROXY_HOPS,
  createDemoConfig,
  devKeyBanner,
  loadDemoConfig,
  loadDemoConfigOrExit,
  startupNotices,
} from '../src/index';

const REAL_LOOKING_KEY = 'appAbc.keyXyz:SuperSecretValue123';

describe('loadDemoConfig', () => {
  test('defaults: port 3000, dev key with a banner, 20 logins and 300 tokens per minute, random session secret', () => {
    const config = loadDemoConfig({});
    expect(config).toMatchObject({
      port: 3000,
      usingDevKey: true,
      keyName: 'devApp.devKey',
      loginRateLimitPerMinute: 20,
      tokenRateLimitPerMinute: 300,
      sessionSecretIsRandom: true,
      trustProxyHops: 0,
    });
    expect(config.apiKey).toBe(DEV_API_KEY);
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadDemoConfig({}).sessionSecret).not.toBe(config.sessionSecret);

    const notices = startupNotices(config).join('\n');
    expect(notices).toContain(devKeyBanner());
    expect(devKeyBanner()).toMatch(/ABLY_API_KEY is not set/);
    expect(devKeyBanner()).toMatch(/Ably will REJECT these tokens/);
    expect(devKeyBanner()).toContain('ABLY_API_KEY=appId.keyId:secret');
    expect(notices).toMatch(/SESSION_SECRET is not set/);
    expect(notices).not.toMatch(/TRUST_PROXY_HOPS/);
  });

  test('a blank ABLY_API_KEY counts as unset', () => {
    expect(loadDemoConfig({ ABLY_API_KEY: '  ' }).usingDevKey).toBe(true);
  });

  test('reads every variable', () => {
    const config = loadDemoConfig({
      PORT: '8080',
      ABLY_API_KEY: REAL_LOOKING_KEY,
      RATE_LIMIT_LOGIN_PER_MIN: '5',
      RATE_LIMIT_TOKEN_PER_MIN: '50',
      SESSION_SECRET: 'a-session-secret',
      TRUST_PROXY_HOPS: '2',
    });
    expect(config).toMatchObject({
      port: 8080,
      usingDevKey: false,
      keyName: 'appAbc.keyXyz',
      loginRateLimitPerMinute: 5,
      tokenRateLimitPerMinute: 50,
      sessionSecretIsRandom: false,
      trustProxyHops: 2,
    });
    expect(config.apiKey).toBe(REAL_LOOKING_KEY);
    expect(config.sessionSecret).toBe('a-session-secret');
    expect(config.redisUrl).toBeUndefined();
    expect(startupNotices(config)).toEqual([
      'Signing Ably tokens with key appAbc.keyXyz.',
      'REDIS_URL is not set: sessions and rate-limit counters are kept in memory, so run a single instance.',
      'TRUST_PROXY_HOPS=2: behind 2 reverse proxies, the client address is read from X-Forwarded-For.',
    ]);
  });

  test('REDIS_URL: read and announced with its password hidden; the password never shows in logs or JSON', () => {
    const config = loadDemoConfig({ REDIS_URL: ' redis://:RedisPassw0rd@redis.internal:6380/2 ', SESSION_SECRET: 'shared-secret' });
    expect(config.redisUrl).toBe('redis://:RedisPassw0rd@redis.internal:6380/2');
    expect(config.redisDisplayUrl).toBe('redis://:***@redis.internal:6380/2');
    expect(startupNotices(config)).toContain(
      'REDIS_URL=redis://:***@redis.internal:6380/2: sessions and rate-limit counters are kept in Redis, shared by every instance.',
    );
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 5 }), startupNotices(config).join('\n')])
      expect(shown).not.toContain('RedisPassw0rd');
    expect(loadDemoConfig({ REDIS_URL: 'rediss://127.0.0.1', SESSION_SECRET: 's' }).redisUrl).toBe('rediss://127.0.0.1');
    expect(loadDemoConfig({ REDIS_URL: '  ' }).redisUrl).toBeUndefined();
  });

  test('REDIS_URL without SESSION_SECRET stops the server with a message naming both', () => {
    for (const load of [() => loadDemoConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }), () => createDemoConfig({ redisUrl: 'redis://127.0.0.1:6379' })]) {
      let error: unknown;
      try {
        load();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DemoConfigError);
      expect((error as DemoConfigError).variable).toBe('SESSION_SECRET');
      expect((error as DemoConfigError).message).toMatch(/^REDIS_URL is set, so SESSION_SECRET is required: every instance .* the same secret/);
    }
  });

  test.each([
    ['not a URL', '127.0.0.1 6379', /got a value that is not a URL/],
    ['a host and port without redis://', 'localhost:6379', /got a URL of protocol "localhost:"/],
    ['another protocol', 'http://localhost:6379', /got a URL of protocol "http:"/],
    ['no host', 'redis://', /got a URL without a host/],
  ])('a REDIS_URL that is %s fails naming the variable and the form, never the value', (_, value, detail) => {
    let error: unknown;
    try {
      loadDemoConfig({ REDIS_URL: value, SESSION_SECRET: 's' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DemoConfigError);
    expect((error as DemoConfigError).variable).toBe('REDIS_URL');
    expect((error as DemoConfigError).message).toMatch(/^REDIS_URL must be a Redis URL such as redis:\/\/127\.0\.0\.1:6379/);
    expect((error as DemoConfigError).message).toMatch(detail);
  });

  test('the key and the session secret never show in logs or JSON', () => {
    const config = loadDemoConfig({ ABLY_API_KEY: REAL_LOOKING_KEY, SESSION_SECRET: 'a-session-secret' });
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 5 }), String(Object.values(config))]) {
      expect(shown).not.toContain('SuperSecretValue123');
      expect(shown).not.toContain('a-session-secret');
    }
  });

  test.each([
    ['no colon', 'appAbcKeyXyzSuperSecretValue123'],
    ['no key id', 'appAbc:SuperSecretValue123'],
    ['white space in the secret', 'appAbc.keyXyz:Super SecretValue123'],
  ])('a malformed key (%s) fails naming the expected format, never the value', (_, value) => {
    let error: unknown;
    try {
      loadDemoConfig({ ABLY_API_KEY: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DemoConfigError);
    const { message, variable } = error as DemoConfigError;
    expect(variable).toBe('ABLY_API_KEY');
    expect(message).toContain('ABLY_API_KEY');
    expect(message).toContain("'appId.keyId:secret'");
    expect(message).not.toContain('SuperSecret');
    expect(message).not.toContain('appAbc');
  });

  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['RATE_LIMIT_LOGIN_PER_MIN', '0'],
    ['RATE_LIMIT_TOKEN_PER_MIN', '1.5'],
  ])('%s=%j fails naming the variable', (name, value) => {
    expect(() => loadDemoConfig({ [name]: value })).toThrow(new RegExp(`^${name} must be a whole number`));
  });

  test.each(['1', ' 1 ', '0', '10'])('TRUST_PROXY_HOPS=%j is a count of proxies', (value) => {
    expect(loadDemoConfig({ TRUST_PROXY_HOPS: value }).trustProxyHops).toBe(Number(value));
  });

  test('a blank TRUST_PROXY_HOPS counts as unset (0: X-Forwarded-For is ignored)', () => {
    expect(loadDemoConfig({ TRUST_PROXY_HOPS: ' ' }).trustProxyHops).toBe(0);
  });

  test.each(['-1', '1.5', '11', 'abc', '0x1', '1e1', 'loopback', '10.0.0.0/8'])('TRUST_PROXY_HOPS=%j fails naming the variable and what it counts', (value) => {
    let error: unknown;
    try {
      loadDemoConfig({ TRUST_PROXY_HOPS: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DemoConfigError);
    expect((error as DemoConfigError).variable).toBe('TRUST_PROXY_HOPS');
    expect((error as DemoConfigError).message).toBe(
      `TRUST_PROXY_HOPS must be a whole number from 0 to ${MAX_TRUST_PROXY_HOPS}, the number of reverse proxies in front of the app (0 for none, 1 for one proxy such as nginx or a load balancer); got ${JSON.stringify(value)}.`,
    );
  });

  test.each(['true', 'TRUE', 'false', 'yes'])('TRUST_PROXY_HOPS=%j (a switch, not a count) fails saying to give the number of proxies', (value) => {
    expect(() => loadDemoConfig({ TRUST_PROXY_HOPS: value })).toThrow(
      /^TRUST_PROXY_HOPS must be a whole number .* It counts proxies rather than switching trust on: for one proxy, set TRUST_PROXY_HOPS=1\.$/,
    );
  });

  test('createDemoConfig applies the same defaults and checks to values given in code', () => {
    expect(createDemoConfig({ port: 0 })).toMatchObject({ port: 0, usingDevKey: true, loginRateLimitPerMinute: 20, trustProxyHops: 0 });
    expect(createDemoConfig({ trustProxyHops: 1 }).trustProxyHops).toBe(1);
    expect(() => createDemoConfig({ apiKey: 'nope' })).toThrow(DemoConfigError);
    for (const trustProxyHops of [-1, 1.5, Number.NaN, 11]) {
      expect(() => createDemoConfig({ trustProxyHops })).toThrow(/^TRUST_PROXY_HOPS must be a whole number from 0 to 10/);
    }
  });
});

describe('loadDemoConfigOrExit', () => {
  test('prints the problem and exits with status 1 on a malformed key', () => {
    const printed: string[] = [];
    const exits: number[] = [];
    class Exit extends Error {}
    expect(() =>
      loadDemoConfigOrExit(
        { ABLY_API_KEY: 'not-a-key-SuperSecretValue123' },
        {
          error: (m) => printed.push(m),
          exit: (code) => {
            exits.push(code);
            throw new Exit();
          },
        },
      ),
    ).toThrow(Exit);
    expect(exits).toEqual([1]);
    expect(printed.join('\n')).toMatch(/^Configuration error: ABLY_API_KEY is malformed: expected an Ably API key of the form 'appId.keyId:secret'/);
    expect(printed.join('\n')).not.toContain('SuperSecretValue123');
  });

  test('returns the config when it is fine', () => {
    const io = { error: jest.fn(), exit: jest.fn() as unknown as (code: number) => never };
    expect(loadDemoConfigOrExit({ PORT: '0' }, io).port).toBe(0);
    expect(io.error).not.toHaveBeenCalled();
  });
});

describe('METRICS_PORT', () => {
  test('unset (or blank): no metrics; a port or 0 (a free port) turns them on', () => {
    expect(loadDemoConfig({}).metricsPort).toBeUndefined();
    expect(loadDemoConfig({ METRICS_PORT: ' ' }).metricsPort).toBeUndefined();
    expect(loadDemoConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(loadDemoConfig({ METRICS_PORT: '0', PORT: '0' }).metricsPort).toBe(0);
  });

  test.each(['abc', '-1', '70000', '94.64'])('refuses %j, naming the variable and the range', (value) => {
    expect(() => loadDemoConfig({ METRICS_PORT: value })).toThrow(/^METRICS_PORT must be a whole number from 0 to 65535/);
  });

  test('refuses the public port, so the metrics are never published to visitors', () => {
    expect(() => loadDemoConfig({ PORT: '8080', METRICS_PORT: '8080' })).toThrow(/^METRICS_PORT must differ from PORT \(8080\)/);
    expect(() => createDemoConfig({ metricsPort: 3000 })).toThrow(DemoConfigError);
    expect(() => createDemoConfig({ metricsPort: 70000 })).toThrow(/^METRICS_PORT must be a whole number/);
  });
});
