import { join } from 'node:path';
import { describeDemoExample } from '@ably-chat-auth-examples/shared/testing';
import { FRAMEWORK } from '../src/local';
import { SESSION_COOKIE } from '../src/app';
import { startWorkerApp } from './worker-app';

// Everything the Workers example must do is the shared demo contract (examples/shared/README.md), in workerd.
describeDemoExample(FRAMEWORK, {
  start: startWorkerApp,
  serverEntry: join(__dirname, '..', 'src', 'server.ts'),
  sessionCookie: SESSION_COOKIE,
  // A Worker has no Prometheus endpoint of its own: src/server.ts refuses METRICS_PORT.
  servesMetrics: false,
});
