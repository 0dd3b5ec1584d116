import { DEMO_ROUTES } from '../page.js';

/**
 * A browser-like client for one user of a demo app: a cookie jar kept between requests. Some
 * session middlewares set more than one cookie (koa-session: `chat.sid` and its signature
 * `chat.sid.sig`); like a browser, the client sends them all back.
 *
 * @example
 * const alice = new DemoClient(baseUrl);
 * await alice.login('alice');
 * const response = await alice.token();
 */
export class DemoClient {
  /**
   * @param jar Cookie name to value, as a browser would hold them; pass another client's jar to
   * send the same browser's requests to another server (instances behind a load balancer).
   */
  constructor(
    readonly baseUrl: string,
    readonly jar = new Map<string, string>(),
  ) {}

  /** The `Cookie` header this client sends, or undefined when it holds no cookie. */
  get cookie(): string | undefined {
    return this.jar.size ? [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ') : undefined;
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const response = await fetch(this.baseUrl + path, { ...init, headers, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      const pair = setCookie.split(';')[0]!;
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      // A cleared cookie (empty value or expired) is dropped, as a browser would.
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(setCookie)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /**
   * `POST /login` with a JSON body (`username` may be any JSON value, to test the 400s); `headers`
   * adds what a browser or a proxy would send (`Origin`, `Sec-Fetch-Site`, `X-Forwarded-For`).
   */
  login(username: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(DEMO_ROUTES.login, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
  }

  /** `POST /login` as an HTML form posts it (`application/x-www-form-urlencoded`), to `path` (default `/login`). */
  formLogin(username: string, headers: Record<string, string> = {}, path: string = DEMO_ROUTES.login): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username }).toString(),
    });
  }

  logout(headers: Record<string, string> = {}): Promise<Response> {
    return this.request(DEMO_ROUTES.logout, { method: 'POST', headers });
  }

  /** The token route, as ably-js calls it (`query` starts with `?`). */
  token(method: 'GET' | 'POST' = 'GET', query = ''): Promise<Response> {
    return this.request(`${DEMO_ROUTES.token}${query}`, { method, headers: { accept: 'application/json, text/plain' } });
  }
}
