import { afterAll, describe, expect, jest, test } from '@jest/globals';
import { expectAblyError, readResponse } from '@ably-chat-auth/adapter-contract/testing';

// First: the unusable key, before the route module loads (before this change, loading it threw).
import { BAD_KEY } from './missing-key-env';
import * as token from '../app/api/ably-token/route';

const logged: string[] = [];
const errorSpy = jest
  .spyOn(console, 'error')
  .mockImplementation((...args: unknown[]) => void logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
const warnSpy = jest
  .spyOn(console, 'warn')
  .mockImplementation((...args: unknown[]) => void logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
afterAll(() => {
  errorSpy.mockRestore();
  warnSpy.mockRestore();
});

describe('app/api/ably-token/route.ts without a usable ABLY_API_KEY', () => {
  test('the module loads (as `next build` loads it); each request is an Ably-shaped error naming the variable in the log, never a token', async () => {
    const response = await token.GET(new Request('http://127.0.0.1:3000/api/ably-token', { headers: { Cookie: 'chat.session=x' } }));
    const answer = await readResponse(response);
    expectAblyError(answer, 500, 50000);
    expect(JSON.stringify(answer)).not.toContain('token"');
    expect(logged.join('\n')).toMatch(/ABLY_API_KEY is malformed/);
    expect(logged.join('\n')).not.toContain(BAD_KEY);
  });
});
