import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { listenNestApp, listenOnLoopback } from '@ably-chat-auth/adapter-contract/testing';
import type { DemoConfig } from '../examples/shared/src/index';
import { createApp as createExpressApp } from '../examples/express/src/index';
import { createApp as createKoaApp } from '../examples/koa/src/index';
import { createApp as createHonoApp } from '../examples/hono/src/index';
import { createApp as createNestApp } from '../examples/nestjs/src/index';
import { createApp as createFastifyApp } from '../examples/fastify/src/index';
import { FRAMEWORK as WORKERS_FRAMEWORK, buildWorker, startWorker, type BuiltWorker } from '../examples/workers/src/local';

/** An example app listening on a free loopback port. */
export interface RunningExample {
  url: string;
  close: () => Promise<void>;
}

/** One example the browser suite runs against. */
export interface ExampleApp {
  /** Short name, used in test titles and screenshot file names. */
  name: string;
  /** The framework name the page shows in its header badge. */
  framework: string;
  start(config: DemoConfig): Promise<RunningExample>;
}

/** Serves `server` on a free loopback port with the adapter contract's helper (as the examples' own tests do). */
async function serve(server: Server): Promise<RunningExample> {
  const { baseUrl, close } = await listenOnLoopback(server);
  return { url: baseUrl, close };
}

let worker: Promise<BuiltWorker> | undefined;

/** The Workers example's bundle and assets, built once per test file into a folder removed on exit. */
function builtWorker(): Promise<BuiltWorker> {
  if (!worker) {
    const outDir = mkdtempSync(join(tmpdir(), 'workers-example-e2e-'));
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    worker = buildWorker(outDir);
  }
  return worker;
}

export const EXAMPLE_APPS: readonly ExampleApp[] = [
  {
    name: 'express',
    framework: 'Express',
    start: (config) => serve(createServer(createExpressApp(config, { logger: false }))),
  },
  {
    name: 'koa',
    framework: 'Koa',
    start: (config) => {
      // Koa's callback settles its own errors (ctx.onerror): nothing awaits it.
      const callback = createKoaApp(config, { logger: false }).callback();
      return serve(createServer((req, res) => void callback(req, res)));
    },
  },
  {
    name: 'nestjs',
    framework: 'NestJS',
    start: async (config) => {
      // close() runs Nest's shutdown hooks and ends keep-alive connections (forceCloseConnections).
      const { baseUrl, close } = await listenNestApp(await createNestApp(config, { logger: false }));
      return { url: baseUrl, close };
    },
  },
  {
    name: 'hono',
    framework: 'Hono',
    // A node:http server from @hono/node-server, as the example's src/server.ts serves it.
    start: (config) => serve(createAdaptorServer({ fetch: createHonoApp(config, { logger: false }).fetch }) as Server),
  },
  {
    name: 'fastify',
    framework: 'Fastify',
    start: async (config) => {
      // close() also ends keep-alive connections (forceCloseConnections).
      const app = await createFastifyApp(config, { logger: false });
      return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
    },
  },
  {
    name: 'workers',
    framework: WORKERS_FRAMEWORK,
    // The Worker in workerd through miniflare, as `pnpm start:workers` serves it.
    start: async (config) => {
      const { baseUrl, close } = await startWorker(await builtWorker(), config, 0);
      return { url: baseUrl, close };
    },
  },
];
