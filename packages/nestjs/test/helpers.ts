import 'reflect-metadata';
import { expect } from '@jest/globals';
import type { Server } from 'node:http';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { jwtVerify, type JWTPayload } from 'jose';

export const KEY_NAME = 'nestApp.nestKey';
export const SECRET = 'nest-test-secret-0123456789abcdef';
export const API_KEY = `${KEY_NAME}:${SECRET}`;

export type Platform = 'express' | 'fastify';
export const PLATFORMS: Platform[] = ['express', 'fastify'];

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  close: () => Promise<void>;
}

/**
 * Compiles `metadata` as the root module, creates the app on the platform, lets `configure`
 * adjust it (global prefix, filters...), and listens on an ephemeral loopback port.
 */
export async function startApp(platform: Platform, metadata: ModuleMetadata, configure?: (app: INestApplication) => void): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication(platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false, forceCloseConnections: true });
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as Server).address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

export async function request(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Verifies an answer is a 200 `application/jwt` signed with the test key, and returns its claims. */
export async function expectToken(answer: Answer): Promise<JWTPayload & { 'x-ably-clientId'?: string; 'x-ably-capability'?: string }> {
  expect({ status: answer.status, contentType: answer.headers.get('content-type') }).toEqual({ status: 200, contentType: 'application/jwt' });
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.headers.get('pragma')).toBe('no-cache');
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  const { payload, protectedHeader } = await jwtVerify(answer.body, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] });
  expect(protectedHeader.kid).toBe(KEY_NAME);
  return payload;
}

/** Verifies an answer has Ably's error shape with this status and code, and returns the message. */
export function expectAblyError(answer: Answer, status: number, code: number): string {
  expect({ status: answer.status, contentType: answer.headers.get('content-type') }).toEqual({ status, contentType: 'application/json; charset=utf-8' });
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.headers.get('x-ably-errorcode')).toBe(String(code));
  const body = JSON.parse(answer.body) as { error: { message: string; code: number; statusCode: number } };
  expect(body).toEqual({ error: { message: expect.any(String), code, statusCode: status } });
  expect(answer.headers.get('x-ably-errormessage')).toBe(body.error.message);
  return body.error.message;
}

/** The capability claim, with operation lists sorted. */
export function capabilityOf(payload: { 'x-ably-capability'?: string }): Record<string, string[]> {
  const parsed = JSON.parse(payload['x-ably-capability'] ?? '{}') as Record<string, string[]>;
  return Object.fromEntries(Object.entries(parsed).map(([resource, ops]) => [resource, [...ops].sort()]));
}
