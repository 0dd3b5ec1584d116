import { join } from 'node:path';

/** An example as the cluster test runs it: its entry point, started as a real process with tsx's loader (`ServerProcess`). */
export interface ExampleLauncher {
  /** The example's name in test titles. */
  name: string;
  /** Absolute path of the example's `src/server.ts`. */
  serverEntry: string;
}

const EXAMPLES = join(__dirname, '..', 'examples');

/**
 * Every example the cluster test runs, two instances each over one Redis. An example joins with
 * one entry here: its server must read the shared config (`REDIS_URL`, `SESSION_SECRET`,
 * `RATE_LIMIT_*`, `TRUST_PROXY_HOPS`, `PORT`) and print `listening on http://localhost:<port>`.
 */
export const EXAMPLE_LAUNCHERS: readonly ExampleLauncher[] = [
  { name: 'Express', serverEntry: join(EXAMPLES, 'express', 'src', 'server.ts') },
  { name: 'Koa', serverEntry: join(EXAMPLES, 'koa', 'src', 'server.ts') },
  { name: 'NestJS', serverEntry: join(EXAMPLES, 'nestjs', 'src', 'server.ts') },
  { name: 'Fastify', serverEntry: join(EXAMPLES, 'fastify', 'src', 'server.ts') },
  { name: 'Hono', serverEntry: join(EXAMPLES, 'hono', 'src', 'server.ts') },
];
