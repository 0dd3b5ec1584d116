import { join } from 'node:path';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { describeDemoExample, listenOnLoopback, type StartDemoApp } from '@ably-chat-auth-examples/shared/testing';
import { createApp, SESSION_COOKIE } from '../src/index';

// On a real node:http server, as `pnpm start` serves it (src/server.ts uses @hono/node-server's serve).
const start: StartDemoApp = (config) => listenOnLoopback(createAdaptorServer({ fetch: createApp(config, { logger: false }).fetch }) as Server);

// Everything the Hono example must do is the shared demo contract (examples/shared/README.md).
describeDemoExample('Hono', { start, serverEntry: join(__dirname, '..', 'src', 'server.ts'), sessionCookie: SESSION_COOKIE });
