import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { once } from 'node:events';

/** An app listening on a free loopback port, with its base URL. */
export interface Running {
  url: string;
  close(): Promise<void>;
}

export async function listen(app: { listen(port: number, host: string): Server }): Promise<Running> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * A browser-like client for one user: a cookie jar kept between requests (koa-session sets the
 * session id and its signature, `chat.sid` and `chat.sid.sig`).
 */
export class Client {
  readonly jar = new Map<string, string>();

  constructor(readonly base: string) {}

  /** The `Cookie` header this client sends, or undefined when it holds no cookie. */
  get cookie(): string | undefined {
    return this.jar.size ? [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ') : undefined;
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const response = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      const pair = setCookie.split(';')[0]!;
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      // A cleared cookie (empty value or expired) is dropped, as a browser would.
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(setCookie)) this.jar.delete(name);
      else this.jar.set(name, value);
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
