import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as kit from '@ably-chat-auth/adapter-contract/testing';
import { listenOnLoopback, testKey, type AblyClaims } from '@ably-chat-auth/adapter-contract/testing';
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
  const { baseUrl, close } = await listenOnLoopback(createServer((req, res) => void callback(req, res)));
  return { url: baseUrl, close };
}

const KEY = testKey(KEY_NAME, SECRET);

/** Verifies an Ably JWT independently of our code: HS256 with the key secret, `kid` = key name. */
export async function verifyAblyJwt(token: string): Promise<AblyClaims & { 'x-ably-clientId'?: string; 'x-ably-capability'?: string }> {
  return (await kit.verifyAblyJwt(token, KEY)).payload as AblyClaims & { 'x-ably-clientId'?: string; 'x-ably-capability'?: string };
}

/** The headers core puts on every answer (the kit's rule, on a Fetch `Response`). */
export function expectNoStore(res: Response): void {
  kit.expectNoStore({ status: res.status, headers: res.headers, body: '' });
}

/** Asserts an Ably-shaped error answer (the kit's rule) and returns its body. */
export async function expectAblyError(res: Response, status: number, code: number): Promise<{ error: { message: string; code: number; statusCode: number } }> {
  const message = kit.expectAblyError(await kit.readResponse(res), status, code);
  return { error: { message, code, statusCode: status } };
}
