/* The Next.js example's METRICS_PORT, on the real build: `next build --webpack` (scripts/build.mjs,
 * skipped when nothing it reads changed) and scripts/start.mjs as a child process. What this proves
 * is that core's telemetry records inside the server bundle: core's lazy load of
 * `@opentelemetry/api` must find the API and the meter provider that instrumentation.ts registered,
 * which a unit test over the TypeScript sources cannot show. No browser: plain HTTP requests. */
import { expect } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expectTokenMetricsJourney } from '../examples/shared/src/testing/metrics-journey';

const APP_DIR = join(__dirname, '..', 'examples', 'nextjs');

/** The app as `pnpm start` runs it, with what it printed so far. */
interface RunningApp {
  readonly url: string;
  readonly metricsUrl: string;
  stop(): Promise<number | null>;
}

/** Starts scripts/start.mjs on a free port with `env` added; resolves once it printed both addresses. */
async function startApp(env: Record<string, string>): Promise<RunningApp> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', SESSION_SECRET: randomBytes(32).toString('base64url'), ...env };
  delete childEnv.ABLY_API_KEY;
  delete childEnv.NODE_OPTIONS;
  delete childEnv.REDIS_URL;
  // pnpm's bin shims (the one that started Jest) set NODE_PATH to the store's hoisted node_modules,
  // where any package resolves from anywhere: kept, it would hide a failed @opentelemetry/api lookup.
  delete childEnv.NODE_PATH;
  const child = spawn(process.execPath, [join(APP_DIR, 'scripts', 'start.mjs')], { cwd: APP_DIR, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  let output = '';
  try {
    const [url, metricsUrl] = await new Promise<[string, string]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the start script did not listen within 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const app = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
        const metrics = /Prometheus metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(output)?.[1];
        if (app && metrics) {
          clearTimeout(timer);
          resolve([app, metrics]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the start script exited (${code}):\n${output}`));
      });
    });
    return { url, metricsUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

beforeAll(() => {
  // Builds unless nothing the build reads changed since the last one (the script checks); needs the packages' dist.
  const build = spawnSync(process.execPath, [join(APP_DIR, 'scripts', 'build.mjs')], { cwd: APP_DIR, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
}, 600_000);

test('with METRICS_PORT: the built app counts its token answers by outcome, 429s from its rate limit included', async () => {
  // Four token requests from one address: the fourth is over the limit, counted by recordRateLimited.
  const app = await startApp({ METRICS_PORT: '0', RATE_LIMIT_TOKEN_PER_MIN: '3' });
  try {
    await expectTokenMetricsJourney(app.url, app.metricsUrl);
  } finally {
    expect(await app.stop()).toBe(0);
  }
}, 120_000);
