import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import Koa from 'koa';
import Koa2 from 'koa2';

export const KEY_NAME = 'appKoa.keyTest';
export const SECRET = 'koa-test-secret-0123456789abcdef';
export const API_KEY = `${KEY_NAME}:${SECRET}`;

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
}

/** Both supported Koa majors, for `describe.each`: name, the Application class, the installed version. */
export const KOA_VERSIONS: ReadonlyArray<[string, typeof Koa, string]> = [
  ['Koa 3', Koa, installedVersion('koa')],
  ['Koa 2', Koa2, installedVersion('koa2')],
];

export interface TestUser {
  id: string;
  name: string;
  banned?: boolean;
}

export const USERS: Record<string, TestUser> = {
  'token-alice': { id: 'alice', name: 'Alice' },
  'token-bob': { id: 'bob', name: 'Bob' },
  'token-mallory': { id: 'mallory', name: 'Mallory', banned: true },
};

/** A koa-jwt-style auth middleware: a known bearer token puts its user on `ctx.state.user`. */
export async function bearerAuth(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  const match = /^Bearer (.+)$/.exec(ctx.get('Authorization'));
  const user = match ? USERS[match[1]!] : undefined;
  if (user) ctx.state.user = user;
  await next();
}

export const bearer = (who: 'alice' | 'bob' | 'mallory'): Record<string, string> => ({ authorization: `Bearer token-${who}` });

export interface Running {
  url: string;
  close(): Promise<void>;
}

/** Serves a Koa app on a real socket (127.0.0.1, random port). */
export async function serve(app: { callback(): (req: IncomingMessage, res: ServerResponse) => unknown }): Promise<Running> {
  const callback = app.callback();
  const server = createServer((req, res) => void callback(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
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

/** Verifies an Ably JWT independently of our code: HS256 with the key secret, `kid` = key name. */
export async function verifyAblyJwt(token: string): Promise<JWTPayload & { 'x-ably-clientId'?: string; 'x-ably-capability'?: string }> {
  expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: KEY_NAME });
  const { payload } = await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] });
  return payload;
}

/** The headers core puts on every answer. */
export function expectNoStore(res: Response): void {
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
}

/** Asserts an Ably-shaped error answer and returns its body. */
export async function expectAblyError(res: Response, status: number, code: number): Promise<{ error: { message: string; code: number; statusCode: number } }> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(res.headers.get('x-ably-errorcode')).toBe(String(code));
  expect(res.headers.get('x-ably-errormessage')).toEqual(expect.any(String));
  expectNoStore(res);
  const body = (await res.json()) as { error: { message: string; code: number; statusCode: number } };
  expect(body.error).toMatchObject({ code, statusCode: status });
  expect(body.error.message).toEqual(expect.any(String));
  return body;
}
