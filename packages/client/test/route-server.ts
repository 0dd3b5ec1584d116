import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one path of the test token route answers. */
export type RouteAnswer = (res: ServerResponse) => void;

/** A real loopback token route: each path answers one case; every request is recorded. */
export interface RouteServer {
  url(path: string): string;
  /** How many requests a path has had. */
  calls(path: string): number;
  /** The headers of every request a path has had, oldest first. */
  headers(path: string): IncomingHttpHeaders[];
  /** The methods and raw query/body of every request to a path. */
  requests(path: string): { method: string; url: string; body: string }[];
  close(): Promise<void>;
}

export async function startRouteServer(routes: Record<string, RouteAnswer>): Promise<RouteServer> {
  const log = new Map<string, { method: string; url: string; body: string; headers: IncomingHttpHeaders }[]>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const list = log.get(path) ?? [];
      list.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      log.set(path, list);
      const answer = routes[path];
      if (answer) answer(res);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    calls: (path) => log.get(path)?.length ?? 0,
    headers: (path) => (log.get(path) ?? []).map((r) => r.headers),
    requests: (path) => (log.get(path) ?? []).map(({ method, url, body }) => ({ method, url, body })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An answer with a status, a content type and a body. */
export function answer(status: number, contentType: string | undefined, body: string, extra: Record<string, string> = {}): RouteAnswer {
  return (res) => {
    res.writeHead(status, { ...(contentType ? { 'content-type': contentType } : {}), 'cache-control': 'no-store', ...extra });
    res.end(body);
  };
}

/** An Ably-shaped refusal, as @ably-chat-auth/core's token route sends it. */
export function refusal(status: number, code: number, message: string, extra: Record<string, string> = {}): RouteAnswer {
  return answer(status, 'application/json', JSON.stringify({ error: { message, code, statusCode: status } }), {
    'x-ably-errorcode': String(code),
    'x-ably-errormessage': message,
    ...extra,
  });
}

/** A port nothing listens on. */
export async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
