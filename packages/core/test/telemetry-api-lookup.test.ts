import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from '@jest/globals';

// A directory with no node_modules above it holding @opentelemetry/api: what a bundler's frozen
// `__filename` points at once the built app runs on another machine or in another directory.
const nowhere = mkdtempSync(join(tmpdir(), 'ably-chat-auth-no-api-'));
afterAll(() => rmSync(nowhere, { recursive: true, force: true }));

const TELEMETRY_SOURCE = pathToFileURL(join(__dirname, '..', 'src', 'telemetry.ts')).href;
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

/**
 * Runs the lookup in a fresh Node process: without NODE_PATH, which pnpm's launchers set to the
 * store's shared node_modules (and through which any lookup would succeed), and without Jest's
 * module registry. Prints whether the API was found and whether it is the one `cwd` resolves.
 */
function lookUp(bases: string[], cwd: string): { found: boolean; sameAsCwd: boolean } {
  const script = `
    import { createRequire } from 'node:module';
    // core's sources are CommonJS (tsx compiles them so): their exports arrive as the default export.
    import telemetry from ${JSON.stringify(TELEMETRY_SOURCE)};
    const { requireOpenTelemetryApi } = telemetry;
    const found = requireOpenTelemetryApi(${JSON.stringify(bases)});
    let fromCwd = null;
    try { fromCwd = createRequire(process.cwd() + '/')('@opentelemetry/api'); } catch {}
    console.log(JSON.stringify({ found: found !== null, sameAsCwd: found !== null && found === fromCwd }));
  `;
  const env = { ...process.env };
  delete env.NODE_PATH;
  const run = spawnSync(process.execPath, ['--import', TSX_LOADER, '--input-type=module', '-e', script], { cwd, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`The lookup script failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as { found: boolean; sameAsCwd: boolean };
}

describe('finding @opentelemetry/api', () => {
  test('a frozen build-time path that finds nothing falls back to the working directory, and gets the copy the app has there', () => {
    expect(lookUp([join(nowhere, 'chunk.mjs'), `${join(__dirname, '..')}/`], nowhere)).toEqual({ found: true, sameAsCwd: false });
    // As core looks it up: the frozen path first, then the working directory (here packages/core, which has the API).
    expect(lookUp([join(nowhere, 'chunk.mjs'), `${join(__dirname, '..')}/`], join(__dirname, '..'))).toEqual({ found: true, sameAsCwd: true });
  }, 30_000);

  test('null when no base resolves it (the optional peer is not installed)', () => {
    expect(lookUp([join(nowhere, 'chunk.mjs'), `${nowhere}/`], nowhere)).toEqual({ found: false, sameAsCwd: false });
  }, 30_000);
});
