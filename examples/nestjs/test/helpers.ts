import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';

/** An app listening on a free loopback port, with its base URL. */
export interface Running {
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (random port); `close()` is `app.close()`, which runs Nest's shutdown hooks. */
export async function listen(app: INestApplication | Promise<INestApplication>): Promise<Running> {
  const nest = await app;
  await nest.listen(0, '127.0.0.1');
  const { port } = nest.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => nest.close() };
}

/** A browser-like client for one user: keeps the session cookie between requests. */
export class Client {
  cookie: string | undefined;

  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const response = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      const pair = setCookie.split(';')[0]!;
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      // A cleared cookie (empty value or expired) is dropped, as a browser would.
      this.cookie = value === '' || /expires=Thu, 01 Jan 1970/i.test(setCookie) ? undefined : `${name}=${value}`;
    }
    return response;
  }

  login(username: unknown): Promise<Response> {
    return this.request('/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
  }

  logout(): Promise<Response> {
    return this.request('/logout', { method: 'POST' });
  }

  token(method: 'GET' | 'POST' = 'GET', query = ''): Promise<Response> {
    return this.request(`/api/ably-token${query}`, { method, headers: { accept: 'application/json, text/plain' } });
  }
}
