import { USERNAME_PATTERN, validateUsername } from '../src/index';

describe('validateUsername', () => {
  test.each(['alice', 'a', 'bob_2', 'x-y', '0', 'a'.repeat(32)])('accepts %j', (name) => {
    expect(validateUsername(name)).toEqual({ ok: true, username: name });
  });

  test('ignores surrounding white space', () => {
    expect(validateUsername('  alice \n')).toEqual({ ok: true, username: 'alice' });
  });

  test.each([
    ['', /required/],
    ['   ', /required/],
    [undefined, /required/],
    [null, /required/],
    [42, /must be a string/],
    [['alice'], /must be a string/],
    ['Alice', /such as uppercase letters/],
    ['a'.repeat(33), /33 characters; the limit is 32/],
    ['dms:bob', /not allowed/],
    ['a*', /not allowed/],
    ['émile', /not allowed/],
    ['al ice', /not allowed/],
  ])('rejects %j with a clear message', (value, message) => {
    const check = validateUsername(value);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.error).toMatch(message);
    expect(check.error).toContain('1 to 32 characters');
  });

  test('the pattern is the documented rule', () => {
    expect(USERNAME_PATTERN.source).toBe('^[a-z0-9_-]{1,32}$');
  });
});
