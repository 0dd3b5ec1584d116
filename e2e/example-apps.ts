import { createServer, type Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { listenNestApp, listenOnLoopback } from '@ably-chat-auth/adapter-contract/testing';
import type { DemoConfig } from '../examples/shared/src/index';
import { createApp as createExpressApp } from '../examples/express/src/index';
import { createApp as createKoaApp } from '../examples/koa/src/index';
import { createApp as createHonoApp } from '../examples/hono/src/index';
import { createApp as createNestApp } from '../examples/nestjs/src/index';
import { createApp as createFastifyApp } from '../examples/fastify/src/index';

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
];
