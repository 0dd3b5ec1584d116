// The framework recipes: packs @ably-chat-auth/core as it is published, and for each framework copies
// a throwaway app (apps/<name>) to a temporary directory, writes the recipe files from the code
// blocks of docs/frameworks.md (so the docs cannot drift from what is tested), builds the app the
// way the framework's docs say, starts the built server on 127.0.0.1 and checks it over HTTP: 200
// with a token jose verifies for a signed-in user, 401 signed out, 403 for a refused user, 403
// cross-site, 405 for PUT, Cache-Control: no-store on each. Builds run one after another (two cores).
// Needs `pnpm build`.
//
//   npx --yes pnpm@10 test:frameworks [name...]
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { tsImport } from 'tsx/esm/api';
import { npmEnv, packPackages } from '../scripts/pack-packages.mjs';
import { freePort, withTimeout } from '../scripts/test-servers.mjs';

const require = createRequire(import.meta.url);
const HERE = import.meta.dirname;
const ROOT = join(HERE, '..');
const DOC = 'docs/frameworks.md';
const KEY_NAME = 'frameworksApp.frameworksKey';
const SECRET = 'c2VjcmV0LWZvci10aGUtZnJhbWV3b3JrLXJlY2lwZXMtb25seQ';
const API_KEY = `${KEY_NAME}:${SECRET}`;
// Every framework's session helper wants 32 characters or more.
const SESSION_SECRET = 'session-secret-of-the-framework-recipes-test-0123456789';
const STEP_TIMEOUT_MS = 240_000;

/**
 * Each framework: its throwaway app, the recipe files (paths named on the code blocks' first lines),
 * the version to report (with the package whose version it is), the build and the built server.
 * Signing in: each app has a test-only `GET /test-login?user=<name>` (not in the docs) that sets
 * the framework's own session cookie with its own helper, as the app's login would.
 */
const FRAMEWORKS = [
  {
    name: 'SvelteKit',
    app: 'sveltekit',
    recipe: ['src/app.d.ts', 'src/routes/api/ably-token/+server.ts'],
    version: '@sveltejs/kit',
    build: [bin('vite'), 'build'],
    start: ['node', 'build'],
  },
  {
    name: 'Nuxt',
    app: 'nuxt',
    recipe: ['server/api/ably-token.ts'],
    version: 'nuxt',
    build: [bin('nuxi'), 'build'],
    start: ['node', '.output/server/index.mjs'],
  },
  {
    name: 'Astro',
    app: 'astro',
    recipe: ['src/pages/api/ably-token.ts'],
    version: 'astro',
    build: [bin('astro'), 'build'],
    start: ['node', 'dist/server/entry.mjs'],
  },
  {
    name: 'Elysia on Bun',
    app: 'elysia',
    recipe: ['src/ably-token.ts'],
    version: 'elysia',
    // Elysia's docs: bundle for Bun with `bun build --target bun`, run the bundle with bun.
    build: [bunBinary(), 'build', 'src/index.js', '--target', 'bun', '--outdir', 'dist'],
    start: [bunBinary(), 'dist/index.js'],
  },
  {
    name: 'React Router 7',
    app: 'react-router',
    recipe: ['app/routes/api.ably-token.ts'],
    version: 'react-router',
    build: [bin('react-router'), 'build'],
    start: [bin('react-router-serve'), 'build/server/index.js'],
  },
  {
    name: 'TanStack Start',
    app: 'tanstack-start',
    recipe: ['src/routes/api/ably-token.ts'],
    version: '@tanstack/react-start',
    build: [bin('vite'), 'build'],
    start: ['node', '.output/server/index.mjs'],
  },
];

if (!existsSync(join(ROOT, 'packages/core/dist/fetch.mjs'))) {
  console.error('packages/core/dist is missing: run `npx --yes pnpm@10 build` first.');
  process.exit(1);
}

const only = process.argv.slice(2).map((name) => name.toLowerCase());
const selected = FRAMEWORKS.filter((framework) => only.length === 0 || only.includes(framework.app));
if (selected.length === 0) {
  console.error(`no framework named ${only.join(', ')}: pick from ${FRAMEWORKS.map((framework) => framework.app).join(', ')}`);
  process.exit(1);
}

const recipes = await readRecipes();
const work = mkdtempSync(join(tmpdir(), 'ably-chat-auth-frameworks-'));
const children = new Set();
const results = [];

try {
  const started = Date.now();
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const packed = packPackages(tarballs, ['core']);
  const installed = join(work, 'core');
  mkdirSync(installed);
  writeFileSync(
    join(installed, 'package.json'),
    JSON.stringify({ name: 'frameworks-core', private: true, dependencies: { '@ably-chat-auth/core': `file:${packed['@ably-chat-auth/core']}` } }),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: installed, stdio: ['ignore', 'ignore', 'inherit'], env: npmEnv() });
  console.log(`packed @ably-chat-auth/core and installed it with npm (${seconds(started)} s)`);

  for (const framework of selected) {
    const at = Date.now();
    const version = `${framework.version} ${require(`${framework.version}/package.json`).version}`;
    let outcome;
    try {
      outcome = { ok: true, ...(await runFramework(framework, installed)) };
    } catch (error) {
      outcome = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    results.push({ name: framework.name, ...outcome });
    console.log(
      `${outcome.ok ? 'PASS' : 'FAIL'} ${framework.name} (${version}) in ${seconds(at)} s${outcome.ok ? `: built in ${outcome.buildSeconds} s; ${outcome.checks.join(', ')}` : `: ${outcome.error}`}`,
    );
  }
} finally {
  for (const child of children) child.kill('SIGKILL');
  // FRAMEWORKS_KEEP=1 keeps the built apps to look into a failure.
  if (process.env.FRAMEWORKS_KEEP) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((result) => !result.ok).length;
console.log(`framework recipes: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 && results.length === selected.length ? 0 : 1);

/**
 * The recipe files of docs/frameworks.md, by the path on their first line, read with the docs
 * check's own extraction; and the page's table checked against them (lines beyond imports, versions).
 */
async function readRecipes() {
  const { extractSnippets, snippetFile } = await tsImport('../test/docs/snippets.ts', import.meta.url);
  const markdown = readFileSync(join(ROOT, DOC), 'utf8');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const files = new Map();
  for (const snippet of extractSnippets(markdown, DOC)) {
    const file = snippetFile(snippet);
    if (file) files.set(file, snippet.code);
  }
  const problems = [];
  // Every file the page shows is built and checked, but for the types TanStack's generator writes.
  const tested = new Set([...FRAMEWORKS.flatMap((framework) => framework.recipe), 'src/routeTree.gen.d.ts']);
  for (const file of files.keys())
    if (!tested.has(file)) problems.push(`${DOC} shows \`${file}\`, which no framework here builds: add it to FRAMEWORKS in run.mjs`);
  for (const framework of FRAMEWORKS) {
    for (const file of framework.recipe) if (!files.has(file)) problems.push(`${DOC} has no \`\`\`ts block starting \`// ${file}\` (${framework.name})`);
    const route = framework.recipe.at(-1);
    for (const [where, text] of [
      [DOC, markdown],
      ['README.md', readme],
    ]) {
      const row = text.split('\n').find((line) => line.startsWith('|') && line.includes(`\`${route}\``));
      if (!row) {
        problems.push(`${where}'s framework table has no row for \`${route}\``);
        continue;
      }
      const [, , version, , lines] = row.split('|').map((cell) => cell.trim());
      const installed = require(`${framework.version}/package.json`).version;
      if (version !== installed) problems.push(`${where}'s table says ${framework.name} ${version}; the test installs ${installed}`);
      const counted = files.has(route) ? linesBeyondImports(files.get(route)) : NaN;
      if (Number(lines) !== counted) problems.push(`${where}'s table says ${lines} lines for \`${route}\`; the block has ${counted} beyond its imports`);
    }
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  return files;
}

/** Lines after the first-line path comment and the imports, blank lines not counted. */
function linesBeyondImports(code) {
  const lines = code.split('\n').slice(1);
  let i = 0;
  for (let inImport = false; i < lines.length; i++) {
    const line = lines[i].trim();
    if (inImport) inImport = !/from\s+['"][^'"]+['"];?$/.test(line);
    else if (line.startsWith('import ')) inImport = !/from\s+['"][^'"]+['"];?$|^import\s+['"]/.test(line);
    else if (line !== '') break;
  }
  return lines.slice(i).filter((line) => line.trim() !== '').length;
}

/** Copies the app, writes its recipe, builds it, starts it and checks it. */
async function runFramework(framework, installed) {
  const dir = join(work, framework.app);
  cpSync(join(HERE, 'apps', framework.app), dir, { recursive: true });
  for (const file of framework.recipe) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `${recipes.get(file)}\n`);
  }
  // The framework packages this workspace package installed (one pnpm install, cached), and the packed core.
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@ably-chat-auth'), { recursive: true });
  for (const entry of readdirSync(join(HERE, 'node_modules'))) {
    if (entry !== '.bin' && !entry.startsWith('.')) symlinkSync(join(HERE, 'node_modules', entry), join(modules, entry), 'dir');
  }
  symlinkSync(join(installed, 'node_modules', '@ably-chat-auth', 'core'), join(modules, '@ably-chat-auth', 'core'), 'dir');
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    // No key at build time: the recipes read it per token, as a CI or Docker build has none.
    ABLY_API_KEY: '',
    SESSION_SECRET,
    ASTRO_TELEMETRY_DISABLED: '1',
    NUXT_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
  };
  delete env.ABLY_API_KEY;
  const built = Date.now();
  await run(framework.build, dir, env, `${framework.name}: ${framework.build.slice(1).join(' ')}`);
  const buildSeconds = seconds(built);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // ORIGIN: where SvelteKit's adapter-node is served (else it assumes https, and its CSRF check refuses a same-origin POST).
  const serverEnv = { ...env, ABLY_API_KEY: API_KEY, HOST: '127.0.0.1', PORT: String(port), NITRO_HOST: '127.0.0.1', NITRO_PORT: String(port), ORIGIN: base };
  const child = spawn(framework.start[0], framework.start.slice(1), { cwd: dir, env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    await waitForServer(base, child, () => output);
    const checks = await withTimeout(checkServer(base), 60_000, `${framework.name}'s checks`).catch((error) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- server output ---\n${output.slice(-2000)}`);
    });
    if (output.includes(SECRET)) throw new Error('the server printed the key secret');
    return { checks, buildSeconds };
  } finally {
    child.kill('SIGKILL');
    children.delete(child);
  }
}

/** The answers every recipe must give. */
async function checkServer(base) {
  const url = `${base}/api/ably-token`;
  const expectStatus = async (label, init, status) => {
    const response = await fetch(url, { ...init, redirect: 'manual' });
    const body = await response.text();
    if (response.status !== status) throw new Error(`${label}: expected ${status}, got ${response.status} ${body.slice(0, 300)}`);
    if (response.headers.get('cache-control') !== 'no-store') throw new Error(`${label}: Cache-Control is ${response.headers.get('cache-control')}`);
    if (body.includes(SECRET)) throw new Error(`${label}: the answer holds the key secret`);
    return { response, body };
  };
  const alice = await signIn(base, 'alice');
  const banned = await signIn(base, 'banned');
  const signedIn = await expectStatus('signed in (GET)', { headers: { cookie: alice } }, 200);
  await verifyToken(signedIn.body, 'alice');
  // As ably-js posts with `authMethod: 'POST'` from the app's own page: same-origin, a form body the route never reads.
  const form = { 'content-type': 'application/x-www-form-urlencoded', origin: base };
  const posted = await expectStatus('signed in (POST)', { method: 'POST', headers: { cookie: alice, ...form }, body: 'clientId=mallory' }, 200);
  await verifyToken(posted.body, 'alice');
  await expectStatus('signed out', {}, 401);
  await expectStatus('refused user', { headers: { cookie: banned } }, 403);
  await expectStatus('cross-site', { headers: { cookie: alice, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } }, 403);
  // Same-origin, as a browser sends Origin with every PUT (SvelteKit's and Astro's own checks refuse other PUTs first).
  const put = await expectStatus('PUT', { method: 'PUT', headers: { cookie: alice, origin: base } }, 405);
  if (put.response.headers.get('allow') !== 'GET, POST') throw new Error(`PUT: Allow is ${put.response.headers.get('allow')}`);
  return ['200 GET and POST + token verified by jose', '401 signed out', '403 refused', '403 cross-site', '405 PUT with Allow', 'no-store'];
}

/** The session cookie the app's test-only login sets, as a Cookie header. */
async function signIn(base, user) {
  const response = await fetch(`${base}/test-login?user=${user}`, { redirect: 'manual' });
  await response.text();
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]);
  if (!response.ok || cookies.length === 0) throw new Error(`signing in as ${user}: ${response.status} with ${cookies.length} cookies`);
  return cookies.join('; ');
}

async function verifyToken(token, clientId) {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] });
  const header = decodeProtectedHeader(token);
  const problems = [];
  if (header.kid !== KEY_NAME) problems.push(`kid ${header.kid}`);
  if (payload['x-ably-clientId'] !== clientId) problems.push(`clientId ${payload['x-ably-clientId']}`);
  const capability = JSON.parse(String(payload['x-ably-capability']));
  if (!('lobby' in capability) || !(`dms:${clientId}:*` in capability)) problems.push(`capability ${payload['x-ably-capability']}`);
  if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number' || payload.exp <= payload.iat) problems.push('iat/exp');
  if (problems.length) throw new Error(`the token is wrong: ${problems.join(', ')}`);
}

/** A bin of this package's dependencies (pnpm's shim in node_modules/.bin). */
function bin(name) {
  return join(HERE, 'node_modules', '.bin', name);
}

/** Bun, from the npm package of its linux-x64 binary (an optional dependency, as in the runtime matrix). */
function bunBinary() {
  try {
    return join(dirname(require.resolve('@oven/bun-linux-x64/package.json')), 'bin', 'bun');
  } catch {
    return 'bun-is-not-installed: install @oven/bun-linux-x64 (an optional dependency for linux-x64) with `npx --yes pnpm@10 install`';
  }
}

function seconds(since) {
  return ((Date.now() - since) / 1000).toFixed(1);
}

async function waitForServer(base, child, output) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${output().slice(-2000)}`);
    try {
      await fetch(base, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`the server did not answer within 30 s: ${output().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Runs a build command to completion (bounded), its output kept for the failure message. */
function run([command, ...args], cwd, env, label) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${label}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`${label} ${signal ? `was stopped after ${STEP_TIMEOUT_MS / 1000} s` : `exited with ${code}`}: ${output.slice(-3000)}`));
    });
  });
}
