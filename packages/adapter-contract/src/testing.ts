/**
 * `@ably-chat-auth/adapter-contract/testing`: the one test kit of the workspace. Every package,
 * example, stress and e2e test asserts token-route answers, verifies tokens and makes keys with
 * these, so a rule (what "Ably-shaped" or "no-store" means) is written once.
 */
import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import { jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { isAblyChatAuthError, type AblyChatAuthErrorCode } from '@ably-chat-auth/core';
import type { TokenRouteResponse } from '@ably-chat-auth/core/adapter';

export { ALL_CHAT_OPERATIONS } from './chat-operations.js';
export { listenOnLoopback } from './listen.js';

/** An HTTP response as a test sees it: status, Fetch `Headers` (case-insensitive) and the body text. */
export interface ReadResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** `fetch`, read to the end. */
export async function request(url: string | URL, init: RequestInit = {}): Promise<ReadResponse> {
  return readResponse(await fetch(url, init));
}

/** A Fetch `Response`, read to the end. */
export async function readResponse(response: Response): Promise<ReadResponse> {
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Core's own response (`route.handle(...)`), read as the same {@link ReadResponse}. */
export function readTokenRouteResponse(response: TokenRouteResponse): ReadResponse {
  return { status: response.status, headers: new Headers(response.headers), body: response.body };
}

/** The headers on every answer of the token route: never cached, never sniffed. */
export function expectNoStore(answer: ReadResponse): void {
  expect({
    cacheControl: answer.headers.get('cache-control'),
    pragma: answer.headers.get('pragma'),
    nosniff: answer.headers.get('x-content-type-options'),
  }).toEqual({ cacheControl: 'no-store', pragma: 'no-cache', nosniff: 'nosniff' });
}

/**
 * An answer in Ably's error shape with this status and code: JSON body
 * `{"error":{"message","code","statusCode"}}`, the `x-ably-errorcode` / `x-ably-errormessage`
 * headers ably-js reads in browsers, and no-store. Returns the message.
 */
export function expectAblyError(answer: ReadResponse, status: number, code: number): string {
  expect({ status: answer.status, contentType: answer.headers.get('content-type') }).toEqual({ status, contentType: 'application/json; charset=utf-8' });
  expectNoStore(answer);
  expect(answer.headers.get('x-ably-errorcode')).toBe(String(code));
  const body = JSON.parse(answer.body) as { error?: { message?: unknown } };
  expect(body).toEqual({ error: { message: expect.any(String), code, statusCode: status } });
  const message = body.error!.message as string;
  expect(message.length).toBeGreaterThan(0);
  // Browsers get the message from the header, with anything outside printable ASCII replaced.
  expect(answer.headers.get('x-ably-errormessage')).toBe(message.replace(/[^\x20-\x7e]/g, '?'));
  return message;
}

/** An Ably API key for tests, with its parts. */
export interface TestKey {
  apiKey: string;
  keyName: string;
  secret: string;
}

/** A fixed test key (`<keyName>:<secret>`): for tests that name the secret in expectations. */
export function testKey(keyName: string, secret: string): TestKey {
  return { apiKey: `${keyName}:${secret}`, keyName, secret };
}

/** A key with a random secret, so that a leak of it anywhere is unmistakable. */
export function randomTestKey(keyName: string, label = 'TEST'): TestKey {
  return testKey(keyName, `${label}-SECRET-${randomBytes(18).toString('base64url')}`);
}

/** The claims of an Ably JWT as tests read them. */
export type AblyClaims = JWTPayload & { 'x-ably-clientId'?: unknown; 'x-ably-capability'?: unknown; 'x-ably-revocation-key'?: unknown };

/** Verifies an Ably JWT independently of our code (jose): HS256 with the key's secret, `kid` = the key name. */
export async function verifyAblyJwt(token: string, key: TestKey): Promise<{ header: JWTHeaderParameters; payload: AblyClaims }> {
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(key.secret), { algorithms: ['HS256'] });
  expect(protectedHeader.kid).toBe(key.keyName);
  return { header: protectedHeader, payload };
}

/** A 200 `application/jwt` answer with no-store whose token verifies with `key`; returns its claims. */
export async function expectToken(answer: ReadResponse, key: TestKey): Promise<AblyClaims> {
  expect({ status: answer.status, contentType: answer.headers.get('content-type') }).toEqual({ status: 200, contentType: 'application/jwt' });
  expectNoStore(answer);
  return (await verifyAblyJwt(answer.body, key)).payload;
}

/** The `x-ably-capability` claim (of a payload, or the JSON itself), resources and operations sorted. */
export function capabilityOf(source: { 'x-ably-capability'?: unknown } | string): Record<string, string[]> {
  const json = typeof source === 'string' ? source : source['x-ably-capability'];
  if (typeof json !== 'string') throw new Error(`x-ably-capability must be a JSON string; got ${typeof json}.`);
  const parsed = JSON.parse(json) as Record<string, string[]>;
  return Object.fromEntries(
    Object.keys(parsed)
      .sort()
      .map((resource) => [resource, [...parsed[resource]!].sort()]),
  );
}

/**
 * The Chat user claims of a token's payload: every `ably.room.<pattern>` claim as pattern ->
 * value, each value a string (a non-string value throws: Ably Chat reads strings only).
 */
export function userClaimsOf(payload: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (!name.startsWith('ably.room.')) continue;
    if (typeof value !== 'string') throw new Error(`The user claim ${name} must be a string; got ${typeof value}.`);
    out[name.slice('ably.room.'.length)] = value;
  }
  return out;
}

/** The parts of a Nest application (`INestApplication`) that {@link listenNestApp} uses; typed structurally, as this kit does not depend on Nest. */
export interface ListenableNestApp {
  listen(port: number, hostname: string): Promise<unknown>;
  getHttpServer(): { address(): unknown };
  close(): Promise<void>;
}

/** Listens a Nest app on an ephemeral loopback port; `close()` runs Nest's shutdown (create it with `forceCloseConnections: true`). */
export async function listenNestApp(app: ListenableNestApp): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * The code and message of the ably-chat-auth error `fn` throws, or `undefined` when it throws
 * nothing; any other error is thrown on, so a test never mistakes a crash for a refusal.
 */
export function failureOf(fn: () => unknown): { code: AblyChatAuthErrorCode; message: string } | undefined {
  try {
    fn();
  } catch (error) {
    if (!isAblyChatAuthError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  return undefined;
}
