import { expect } from '@jest/globals';
import { createFetchTokenRoute } from '../src/fetch';
import { TEST_KEY, verifyWithJose } from './helpers';

describe('createFetchTokenRoute', () => {
  const handler = createFetchTokenRoute<{ id: string }>({
    apiKey: TEST_KEY,
    logger: false,
    resolveUser: (request) => {
      const user = /session=([a-z]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
      return user ? { id: user } : null;
    },
    policy: (user) => (user.id === 'banned' ? null : { lobby: 'all' }),
  });

  it('answers a Fetch Request with a Fetch Response carrying the JWT', async () => {
    const response = await handler(new Request('http://app.test/api/ably-token?clientId=admin', { headers: { cookie: 'session=alice' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jwt');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await verifyWithJose(await response.text())).payload['x-ably-clientId']).toBe('alice');
  });

  it('gives Ably-shaped refusals', async () => {
    const forbidden = await handler(
      new Request('http://app.test/t', {
        method: 'POST',
        body: 'clientId=alice',
        headers: { cookie: 'session=banned', 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('x-ably-errorcode')).toBe('40300');
    expect(await forbidden.json()).toEqual({ error: { message: expect.any(String), code: 40300, statusCode: 403 } });
    const unauthorized = await handler(new Request('http://app.test/t'));
    expect(unauthorized.status).toBe(401);
    const wrongMethod = await handler(new Request('http://app.test/t', { method: 'DELETE' }));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });
});
