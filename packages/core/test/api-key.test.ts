import { inspect } from 'node:util';
import { ApiKeyResolver } from '../src/api-key';
import { AblyApiKey, AblyChatAuthError, isAblyChatAuthError } from '../src/index';
import { TEST_KEY, TEST_KEY_NAME, TEST_SECRET } from './helpers';

describe('AblyApiKey.parse', () => {
  it('splits a well-formed key into key name and app id', () => {
    const key = AblyApiKey.parse(TEST_KEY);
    expect(key.keyName).toBe(TEST_KEY_NAME);
    expect(key.appId).toBe('appTest');
    expect(key.revealSecret()).toBe(TEST_SECRET);
  });

  it.each([
    ['undefined', undefined, /is the environment variable set/],
    ['empty', '', /appId\.keyId:secret/],
    ['no colon', 'appTest.keyTest', /with no colon/],
    ['no dot', 'appTestkeyTest:zq9Xw', /appId\.keyId:secret/],
    ['two colons', 'app.key:zq9Xw:Kp7Vb', /malformed/],
    ['spaces in secret', 'app.key:zq9Xw Kp7Vb', /malformed/],
    ['number', 12345, /a value of type number/],
  ])('refuses a key with %s, naming the expected format', (_label, value, message) => {
    let caught: unknown;
    try {
      AblyApiKey.parse(value);
    } catch (error) {
      caught = error;
    }
    expect(isAblyChatAuthError(caught, 'ERR_INVALID_API_KEY')).toBe(true);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).toContain("'appId.keyId:secret'");
    if (typeof value === 'string' && value.length > 0) expect((caught as Error).message).not.toMatch(/zq9Xw|Kp7Vb|appTestkeyTest/);
  });

  it('never shows the secret through inspect, JSON, String or template strings', () => {
    const key = AblyApiKey.parse(TEST_KEY);
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- interpolating the key object is the point: it must not reveal the secret
    for (const text of [inspect(key), inspect(key, { showHidden: true, depth: 10 }), JSON.stringify(key), String(key), `${key}`, JSON.stringify({ key })]) {
      expect(text).not.toContain(TEST_SECRET);
      expect(text).toContain(TEST_KEY_NAME);
    }
  });
});

describe('ApiKeyResolver', () => {
  it('parses a static key once and returns it synchronously', () => {
    const resolver = new ApiKeyResolver(TEST_KEY);
    expect(resolver.resolve()).toBe(resolver.resolve());
    expect(resolver.staticKey?.keyName).toBe(TEST_KEY_NAME);
  });

  it('asks a provider each time and reuses the parsed key while the value is unchanged', async () => {
    let value = TEST_KEY;
    let calls = 0;
    const resolver = new ApiKeyResolver(() => {
      calls++;
      return value;
    });
    const a = await resolver.resolve();
    const b = await resolver.resolve();
    expect(a).toBe(b);
    value = 'appTest.rotated:bmV3LXNlY3JldA';
    const c = await resolver.resolve();
    expect(c.keyName).toBe('appTest.rotated');
    expect(calls).toBe(3);
  });

  it('wraps a failing or malformed provider answer in a coded error that keeps the cause', async () => {
    const boom = new Error('vault down');
    await expect(new ApiKeyResolver(() => Promise.reject(boom)).resolve()).rejects.toMatchObject({ code: 'ERR_API_KEY_PROVIDER', cause: boom });
    await expect(
      new ApiKeyResolver(() => {
        throw boom;
      }).resolve(),
    ).rejects.toMatchObject({ code: 'ERR_API_KEY_PROVIDER' });
    await expect(new ApiKeyResolver(() => Promise.resolve('nonsense-secret-value')).resolve()).rejects.toThrow(/provider is malformed/);
    await expect(new ApiKeyResolver(() => Promise.resolve('nonsense-secret-value')).resolve()).rejects.not.toThrow(/nonsense-secret-value/);
  });

  it('refuses a bad static key at creation', () => {
    expect(() => new ApiKeyResolver('bad')).toThrow(AblyChatAuthError);
  });
});
