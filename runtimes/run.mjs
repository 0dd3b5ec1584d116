// The runtime matrix: packs @ably-chat-auth/core as it is published, installs it into a throwaway
// app, and runs the same ten-line token route on each runtime, checking each over HTTP on
// 127.0.0.1 as an Ably client and an attacker would see it: 200 with a token jose verifies (kid,
// clientId, capability, iat/exp), 401 without a user, 403 for a refused user, 403 cross-site, 405
// for PUT. The browser cell signs a token with the root entry inside Chromium. Needs `pnpm build`.
//
//   npx --yes pnpm@10 test:runtimes
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { Miniflare } from 'miniflare';
import { chromium } from 'playwright-core';
import { npmEnv, packPackages } from '../scripts/pack-packages.mjs';
import { freePort, withTimeout } from '../scripts/test-servers.mjs';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const KEY_NAME = 'runtimesApp.runtimesKey';
const SECRET = 'c2VjcmV0LWZvci10aGUtcnVudGltZS1tYXRyaXgtb25seQ';
const API_KEY = `${KEY_NAME}:${SECRET}`;
const CELL_TIMEOUT_MS = 240_000;

if (!existsSync(join(ROOT, 'packages/core/dist/fetch.mjs'))) {
  console.error('packages/core/dist is missing: run `npx --yes pnpm@10 build` first.');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'ably-chat-auth-runtimes-'));
const children = new Set();
const results = [];

try {
  const started = Date.now();
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const packed = packPackages(tarballs, ['core']);
  const app = join(work, 'app');
  cpSync(join(import.meta.dirname, 'apps'), app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'runtime-app', private: true, type: 'module', dependencies: { '@ably-chat-auth/core': `file:${packed['@ably-chat-auth/core']}` } }),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'], env: npmEnv() });
  console.log(`packed @ably-chat-auth/core and installed it with npm into a fresh app (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const cells = [
    [
      'Deno',
      () =>
        processCell(app, [binary('@deno/linux-x64-glibc', 'deno'), 'run', '--allow-net', '--allow-env', '--allow-read', 'deno.mjs'], {
          DENO_NO_UPDATE_CHECK: '1',
          DENO_NO_PROMPT: '1',
        }),
      () => version(binary('@deno/linux-x64-glibc', 'deno'), '--version'),
    ],
    [
      'Bun (Bun.serve)',
      () => processCell(app, [binary('@oven/bun-linux-x64', 'bin/bun'), 'bun.mjs'], {}),
      () => `bun ${version(binary('@oven/bun-linux-x64', 'bin/bun'), '--version')}`,
    ],
    ['workerd, no nodejs_compat', () => workerdCell(app, []), () => `miniflare ${require('miniflare/package.json').version}`],
    ['workerd with nodejs_compat', () => workerdCell(app, ['nodejs_compat']), () => `miniflare ${require('miniflare/package.json').version}`],
    ['browser bundle in Chromium', () => browserCell(app), () => version('/usr/bin/chromium', '--version')],
    ['Next.js route, runtime edge (next build, next start)', () => nextEdgeCell(app), () => `next ${require('next/package.json').version}`],
  ];
  // Two at a time: the machine has two cores.
  const queue = [...cells];
  await Promise.all(
    [0, 1].map(async () => {
      for (let cell = queue.shift(); cell; cell = queue.shift()) {
        const [name, run, describe] = cell;
        const at = Date.now();
        let outcome;
        try {
          outcome = { ok: true, ...(await withTimeout(run(), CELL_TIMEOUT_MS, name)) };
        } catch (error) {
          outcome = { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
        let tested;
        try {
          tested = describe();
        } catch {
          tested = 'version unknown';
        }
        const seconds = ((Date.now() - at) / 1000).toFixed(1);
        results.push({ name, tested, seconds, ...outcome });
        const speed = outcome.bench ? `; ${outcome.bench.tokensPerSecond.toLocaleString('en')} tokens/s on ${outcome.bench.hmac}` : '';
        console.log(
          `${outcome.ok ? 'PASS' : 'FAIL'} ${name} (${tested.split('\n')[0]}) in ${seconds} s${outcome.ok ? `: ${outcome.checks.join(', ')}${speed}` : `: ${outcome.error}`}`,
        );
      }
    }),
  );
} finally {
  for (const child of children) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((result) => !result.ok).length;
console.log(`runtime matrix: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 && results.length > 0 ? 0 : 1);

/** The path of a runtime binary shipped in an npm package (an optional dependency for this platform). */
function binary(pkg, file) {
  let dir;
  try {
    dir = dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`${pkg} is not installed (it is an optional dependency for linux-x64): install from the lockfile with \`npx --yes pnpm@10 install\`.`);
  }
  return join(dir, file);
}

function version(file, flag) {
  return execFileSync(file, [flag], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/** A runtime started as a process serving the route on a free loopback port, then checked. */
async function processCell(app, [command, ...args], env) {
  const port = await freePort();
  return serveAndCheck(command, args, { cwd: app, env: { ...process.env, ...env, PORT: String(port), ABLY_API_KEY: API_KEY } }, port, '/__bench');
}

/** Starts a server process on `port`, waits for it to answer, checks it, and stops it. */
async function serveAndCheck(command, args, options, port, benchPath) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(base, child, () => output);
    return await checkServer(base, benchPath);
  } finally {
    child.kill('SIGKILL');
    children.delete(child);
  }
}

async function waitForServer(base, child, output) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output().slice(-2000)}`);
    try {
      await fetch(base, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`did not answer within 30 s: ${output().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** workerd through miniflare, the Worker bundled by esbuild as wrangler does (workerd's conditions). */
async function workerdCell(app, compatibilityFlags) {
  const bundled = await build({
    entryPoints: [join(app, 'worker.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    // With nodejs_compat the node: built-ins exist at run time; without it a reference must fail the build.
    external: compatibilityFlags.includes('nodejs_compat') ? ['node:*'] : [],
    write: false,
    logLevel: 'silent',
  });
  const port = await freePort();
  const mf = new Miniflare({
    modules: true,
    script: bundled.outputFiles[0].text,
    compatibilityDate: '2025-09-01',
    compatibilityFlags,
    bindings: { ABLY_API_KEY: API_KEY },
    host: '127.0.0.1',
    port,
  });
  try {
    const url = await mf.ready;
    return await checkServer(url.origin);
  } finally {
    await mf.dispose();
  }
}

/** Core's root entry bundled for the browser platform, signing a token in Chromium. */
async function browserCell(app) {
  const bundled = await build({ entryPoints: [join(app, 'browser.mjs')], bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'silent' });
  const script = bundled.outputFiles[0].text;
  const server = createServer((request, response) => {
    if (request.url?.startsWith('/app.js')) response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/app.js"></script>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/?key=${encodeURIComponent(API_KEY)}`);
    const result = await page.waitForFunction(() => window.result, undefined, { timeout: 20_000 }).then((handle) => handle.jsonValue());
    if (result.error) throw new Error(`the page failed to sign: ${result.error}`);
    if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('; ')}`);
    await verifyToken(result.token, 'alice');
    return { checks: [`signed in the page (a ${(script.length / 1024).toFixed(1)} kB bundle) and verified by jose`] };
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function verifyToken(token, clientId) {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] });
  const header = decodeProtectedHeader(token);
  const problems = [];
  if (header.kid !== KEY_NAME) problems.push(`kid ${header.kid}`);
  if (payload['x-ably-clientId'] !== clientId) problems.push(`clientId ${payload['x-ably-clientId']}`);
  if (typeof payload['x-ably-capability'] !== 'string' || !('lobby' in JSON.parse(payload['x-ably-capability']))) problems.push('capability');
  if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number' || payload.exp <= payload.iat) problems.push('iat/exp');
  if (problems.length) throw new Error(`the token is wrong: ${problems.join(', ')}`);
}

/**
 * A Next.js App Router app whose token route runs on the edge runtime: built with `next build`
 * (no ABLY_API_KEY at build time) and served by `next start`. next, react and react-dom are this
 * package's own, linked into the app beside the packed core.
 */
async function nextEdgeCell(app) {
  const dir = join(app, 'next');
  // The route inside the Next project, as an app has it (Next compiles nothing from outside its root).
  cpSync(join(app, 'route.mjs'), join(dir, 'route.mjs'));
  for (const pkg of ['next', 'react', 'react-dom']) symlinkSync(dirname(require.resolve(`${pkg}/package.json`)), join(app, 'node_modules', pkg), 'dir');
  const nextBin = join(dirname(require.resolve('next/package.json')), 'dist', 'bin', 'next');
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ABLY_API_KEY: '' };
  delete env.ABLY_API_KEY;
  // webpack: Turbopack refuses a next package linked from outside the app's root, as it is here.
  await run(process.execPath, [nextBin, 'build', '--webpack'], dir, env, 'next build');
  const port = await freePort();
  return serveAndCheck(
    process.execPath,
    [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)],
    { cwd: dir, env: { ...env, ABLY_API_KEY: API_KEY } },
    port,
    '/api/bench',
  );
}

function run(command, args, cwd, env, label) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      children.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`${label} exited with ${code}: ${output.slice(-3000)}`));
    });
  });
}

/** The five answers every runtime must give, and the runtime's signing speed. */
async function checkServer(base, benchPath = '/__bench') {
  const url = `${base}/api/ably-token`;
  const expectStatus = async (label, init, status) => {
    const response = await fetch(url, init);
    const body = await response.text();
    if (response.status !== status) throw new Error(`${label}: expected ${status}, got ${response.status} ${body.slice(0, 300)}`);
    if (response.headers.get('cache-control') !== 'no-store') throw new Error(`${label}: Cache-Control is ${response.headers.get('cache-control')}`);
    return body;
  };
  const body = await expectStatus('signed in', { headers: { 'x-user': 'alice' } }, 200);
  await verifyToken(body.startsWith('{') ? JSON.parse(body).token : body, 'alice');
  await expectStatus('no user', {}, 401);
  await expectStatus('refused user', { headers: { 'x-user': 'banned' } }, 403);
  await expectStatus('cross-site', { headers: { 'x-user': 'alice', 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } }, 403);
  await expectStatus('PUT', { method: 'PUT', headers: { 'x-user': 'alice' } }, 405);
  const checks = ['200 + token verified by jose', '401', '403 refused', '403 cross-site', '405 PUT', 'no-store'];
  // The speed probe is a figure, not a check: a runtime that cannot run it still passes the cell.
  const probe = await fetch(`${base}${benchPath}`);
  if (!probe.ok) return { checks: [...checks, `(speed probe answered ${probe.status})`] };
  return { checks, bench: await probe.json() };
}
