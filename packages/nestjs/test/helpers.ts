import 'reflect-metadata';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import * as kit from '@ably-chat-auth/adapter-contract/testing';
import { listenNestApp, testKey, type AblyClaims, type ReadResponse } from '@ably-chat-auth/adapter-contract/testing';

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
  const app = moduleRef.createNestApplication(platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: false,
    forceCloseConnections: true,
  });
  configure?.(app);
  return { app, ...(await listenNestApp(app)) };
}

export type { ReadResponse } from '@ably-chat-auth/adapter-contract/testing';
export { capabilityOf, expectAblyError, request } from '@ably-chat-auth/adapter-contract/testing';

const KEY = testKey(KEY_NAME, SECRET);

/** Verifies an answer is a 200 `application/jwt` signed with the test key, and returns its claims. */
export async function expectToken(answer: ReadResponse): Promise<AblyClaims & { 'x-ably-clientId'?: string; 'x-ably-capability'?: string }> {
  return (await kit.expectToken(answer, KEY)) as AblyClaims & { 'x-ably-clientId'?: string; 'x-ably-capability'?: string };
}
