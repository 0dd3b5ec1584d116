import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoConfig } from '../examples/shared/src/index';
import { createApp as createExpressApp } from '../examples/express/src/index';
import { createApp as createKoaApp } from '../examples/koa/src/index';
import { createApp as createNestApp } from '../examples/nestjs/src/index';

/** An example app listening on a free loopback port. */
export interface RunningExample {
  url: string;
  close(): Promise<void>;
}

/** One example the browser suite runs against. */
export interface ExampleApp {
  /** Short name, used in test titles and screenshot file names. */
  name: string;
  /** The framework name the page shows in its header badge. */
  framework: string;
  start(config: DemoConfig): Promise<RunningExample>;
}

export async function listenOnLoopback(server: Server): Promise<RunningExample> {
  if (!server.listening) await once(server, 'listening');
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

export const EXAMPLE_APPS: readonly ExampleApp[] = [
  {
    name: 'express',
    framework: 'Express',
    start: (config) => listenOnLoopback(createExpressApp(config, { logger: false }).listen(0, '127.0.0.1')),
  },
  {
    name: 'koa',
    framework: 'Koa',
    start: (config) => listenOnLoopback(createKoaApp(config, { logger: false }).listen(0, '127.0.0.1')),
  },
  {
    name: 'nestjs',
    framework: 'NestJS',
    start: async (config) => {
      const app = await createNestApp(config, { logger: false });
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      // app.close() runs Nest's shutdown hooks and ends keep-alive connections (forceCloseConnections).
      return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
    },
  },
];
