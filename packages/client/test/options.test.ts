import { isAblyChatAuthError } from '@ably-chat-auth/core';
import { createAuthCallback, type AuthCallbackOptions } from '@ably-chat-auth/client';

/** Creates with options that the types would refuse, as plain-JS callers can. */
const create =
  (options: unknown, url: unknown = '/api/ably-token') =>
  () =>
    createAuthCallback(url as string, options as AuthCallbackOptions);

describe('createAuthCallback options', () => {
  test('valid options and no options create a callback', () => {
    expect(typeof createAuthCallback('/api/ably-token')).toBe('function');
    expect(
      typeof createAuthCallback('/api/ably-token', {
        method: 'POST',
        credentials: 'same-origin',
        headers: () => ({ Authorization: 'Bearer x' }),
        fetch: (input, init) => fetch(input, init),
        timeout: 5_000,
        unauthenticated: 'stop',
        onUnauthenticated: () => {},
        onForbidden: () => {},
      }),
    ).toBe('function');
  });

  test.each([
    ['methd', 'method'],
    ['header', 'headers'],
    ['timout', 'timeout'],
    ['onforbiden', 'onForbidden'],
    ['Credentials', 'credentials'],
  ])("an unknown option '%s' is refused with a did-you-mean '%s'", (typo, meant) => {
    expect(create({ [typo]: 'x' })).toThrow(`createAuthCallback: unknown option '${typo}'. Did you mean '${meant}'?`);
  });

  test('an unknown option with no near name lists the options', () => {
    expect(create({ zzzzzzzz: 1 })).toThrow(
      "unknown option 'zzzzzzzz'. Options: method, credentials, unauthenticated, fetch, onUnauthenticated, onForbidden, headers, timeout.",
    );
  });

  test.each([
    [{ method: 'get' }, `method must be 'GET' or 'POST'; got "get".`],
    [{ method: 'PUT' }, `method must be 'GET' or 'POST'; got "PUT".`],
    [{ credentials: true }, `credentials must be 'include' or 'same-origin' or 'omit'; got true.`],
    [{ unauthenticated: 'login' }, `unauthenticated must be 'retry' or 'stop'; got "login".`],
    [{ fetch: 'window.fetch' }, 'fetch must be a function.'],
    [{ onForbidden: true }, 'onForbidden must be a function.'],
    [{ onUnauthenticated: {} }, 'onUnauthenticated must be a function.'],
    [{ headers: 'Authorization: Bearer x' }, 'headers must be an object of strings or a function returning one.'],
    [{ headers: [['a', 'b']] }, 'headers must be an object of strings or a function returning one.'],
    [{ headers: { 'X-Count': 1 } }, "headers['X-Count'] must be a string; got a value of type number."],
    [{ timeout: 0 }, 'timeout is milliseconds'],
    [{ timeout: '10s' }, 'timeout is milliseconds'],
    [{ timeout: Number.NaN }, 'timeout is milliseconds'],
    [{ timeout: 2 ** 31 }, 'timeout is milliseconds'],
  ])('%j is refused at creation: %s', (options, message) => {
    expect(create(options)).toThrow(message);
  });

  test('the URL must be a non-empty string, and options an object', () => {
    expect(create(undefined, '')).toThrow("the first argument is the token route's URL");
    expect(create(undefined, { url: '/x' })).toThrow("the first argument is the token route's URL");
    expect(create('GET')).toThrow('options must be an object.');
  });

  test('errors have a stable code and are recognised by core\u2019s isAblyChatAuthError', () => {
    let caught: unknown;
    try {
      create({ methd: 'GET' })();
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'AblyChatAuthError', code: 'ERR_INVALID_OPTIONS' });
    expect(isAblyChatAuthError(caught, 'ERR_INVALID_OPTIONS')).toBe(true);
  });

  test('a header value is never echoed in an error (it may be a secret)', () => {
    expect(create({ headers: { Authorization: 'Bearer s3cret', 'X-N': 1 } })).toThrow(/^(?!.*s3cret)/s);
  });
});
