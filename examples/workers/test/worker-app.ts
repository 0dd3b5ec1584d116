import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartDemoApp } from '@ably-chat-auth-examples/shared/testing';
import { buildWorker, startWorker, type BuiltWorker } from '../src/local';

// The Worker is built once per test file, into a folder of its own: test files run in parallel.
const outDir = mkdtempSync(join(tmpdir(), 'workers-example-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
let built: Promise<BuiltWorker> | undefined;

/** The Worker built by src/local.ts's buildWorker, as `pnpm start:workers` builds it. */
export function builtWorker(): Promise<BuiltWorker> {
  return (built ??= buildWorker(outDir));
}

/** Serves the Worker in workerd on a free loopback port, as `pnpm start:workers` does. */
export const startWorkerApp: StartDemoApp = async (config) => startWorker(await builtWorker(), config, 0);

/**
 * Waits, if need be, until at least `ms` remain of the current clock minute. Miniflare's Rate
 * Limiting binding counts in fixed windows aligned to the minute, so a sequence of requests that
 * straddles a minute's end would find a fresh budget halfway through.
 */
export async function withinOneWindow(ms = 5_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
