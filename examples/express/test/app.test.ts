import { createServer } from 'node:http';
import { join } from 'node:path';
import { describeDemoExample, listenOnLoopback } from '@ably-chat-auth-examples/shared/testing';
import { createApp, SESSION_COOKIE } from '../src/index';

// Everything the Express example must do is the shared demo contract (examples/shared/README.md).
describeDemoExample('Express', {
  start: (config) => listenOnLoopback(createServer(createApp(config, { logger: false }))),
  serverEntry: join(__dirname, '..', 'src', 'server.ts'),
  sessionCookie: SESSION_COOKIE,
});
