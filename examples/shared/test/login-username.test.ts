import { describe, expect, test } from '@jest/globals';
import { isLoginBodyType, parseLoginBody } from '../src/login-username';

describe('parseLoginBody: the username of a login body, as every example reads it', () => {
  test.each([
    ['application/json', '{"username":"alice"}', { username: 'alice' }],
    ['application/json; charset=utf-8', '{"username":"alice"}', { username: 'alice' }],
    ['Application/JSON', '{"username":"alice"}', { username: 'alice' }],
    ['application/x-www-form-urlencoded', 'username=alice&x=1', { username: 'alice' }],
    ['application/x-www-form-urlencoded', 'other=1', { username: undefined }],
    ['application/json', '', { username: undefined }],
    ['application/json', 'null', { username: undefined }],
    ['application/json', '"alice"', { username: undefined }],
    ['application/json', '{"username":42}', { username: 42 }],
    ['text/plain', '{"username":"alice"}', { username: undefined }],
    [null, 'username=alice', { username: undefined }],
  ])('%s %j', (type, text, expected) => {
    expect(parseLoginBody(type, text)).toEqual(expected);
  });

  test('malformed JSON is a 400 that says so', () => {
    expect(parseLoginBody('application/json', '{"username":')).toEqual({ error: 'The request body is not valid JSON.', status: 400 });
  });

  test('isLoginBodyType: JSON and forms only', () => {
    expect([
      isLoginBodyType('application/json'),
      isLoginBodyType('application/x-www-form-urlencoded; charset=utf-8'),
      isLoginBodyType('text/plain'),
      isLoginBodyType(undefined),
    ]).toEqual([true, true, false, false]);
  });
});
