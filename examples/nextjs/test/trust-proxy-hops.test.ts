import { describe, expect, test } from '@jest/globals';
import { LOGIN_LIMIT } from './limits-env';
import { POST as login } from '../app/login/route';

// One reverse proxy in front: it appended the client's address, and the start script the proxy's.
process.env.TRUST_PROXY_HOPS = '1';
const PROXY = '10.0.0.2';

function loginVia(forwarded: string): Request {
  return new Request('http://127.0.0.1:3000/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `${forwarded}, ${PROXY}` },
    body: JSON.stringify({ username: 'alice' }),
  });
}

describe('TRUST_PROXY_HOPS=1: the address the proxy appended is counted', () => {
  test('a rotated leftmost entry (the client\u2019s own) still hits the limit; another proxy-appended address has its own count', async () => {
    for (let i = 0; i < LOGIN_LIMIT; i++) expect((await login(loginVia(`forged-${i}, 203.0.113.5`))).status).toBe(200);
    expect((await login(loginVia('forged-x, 203.0.113.5'))).status).toBe(429);
    expect((await login(loginVia('203.0.113.6'))).status).toBe(200);
    // All of them came from the same proxy: counting its address would have refused this one.
    expect((await login(loginVia('203.0.113.7'))).status).toBe(200);
  });
});

describe('TRUST_PROXY_HOPS=1: IPv6 clients and TLS', () => {
  test('eight IPv6 addresses of one /64 share one login count; another network has its own', async () => {
    const statuses: number[] = [];
    for (let host = 1; host <= 8; host++) statuses.push((await login(loginVia(`2001:db8:aa:bb::${host.toString(16)}`))).status);
    expect(statuses).toEqual([...Array<number>(LOGIN_LIMIT).fill(200), ...Array<number>(8 - LOGIN_LIMIT).fill(429)]);
    expect((await login(loginVia('2001:db8:ab::1'))).status).toBe(200);
  });

  test('X-Forwarded-Proto: https from the proxy marks the session cookie Secure; http does not', async () => {
    const sessionCookieOf = async (proto: string): Promise<string | undefined> => {
      const request = loginVia('203.0.113.20');
      request.headers.set('X-Forwarded-Proto', proto);
      const response = await login(request);
      expect(response.status).toBe(200);
      return response.headers.getSetCookie().find((cookie) => cookie.startsWith('chat.session='));
    };
    expect(await sessionCookieOf('https')).toMatch(/;\s*Secure/i);
    const plain = await sessionCookieOf('http');
    expect(plain).toBeDefined();
    expect(plain).not.toMatch(/;\s*Secure/i);
  });
});
