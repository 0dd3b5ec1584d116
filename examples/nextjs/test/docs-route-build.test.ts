import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { sealData } from 'iron-session';

// docs/core.md's Next.js token route, copied verbatim into an app of its own, built with a real
// `next build` and served by `next start`, both without ABLY_API_KEY: Docker and CI builds often have
// no secrets. The build must pass, and a signed-in request must get a logged server error, never a token.

const example = resolve(__dirname, '..');
const app = join(example, 'test-output', 'docs-route-app');
const next = join(dirname(require.resolve('next/package.json', { paths: [example] })), 'dist', 'bin', 'next');
const sessionSecret = 'docs-route-session-secret-'.padEnd(40, 'x');
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', SESSION_SECRET: sessionSecret };
delete env.ABLY_API_KEY;

/** The ```ts block of docs/core.md that starts with the Next.js route's file name. */
function documentedRoute(): string {
  const markdown = readFileSync(join(example, '..', '..', 'docs', 'core.md'), 'utf8');
  const block = /```ts\n(\/\/ app\/api\/ably-token\/route\.ts[^\n]*\n[\s\S]*?)```/.exec(markdown);
  if (!block) throw new Error('docs/core.md no longer has the Next.js route block (// app/api/ably-token/route.ts).');
  return block[1]!;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

let server: ChildProcess | undefined;
let output = '';
let base = '';

beforeAll(async () => {
  rmSync(app, { recursive: true, force: true });
  mkdirSync(join(app, 'app', 'api', 'ably-token'), { recursive: true });
  writeFileSync(join(app, 'app', 'api', 'ably-token', 'route.ts'), documentedRoute());
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['dom', 'dom.iterable', 'esnext'],
        strict: true,
        noEmit: true,
        module: 'esnext',
        moduleResolution: 'bundler',
        isolatedModules: true,
        esModuleInterop: true,
        skipLibCheck: true,
        jsx: 'preserve',
        plugins: [{ name: 'next' }],
      },
      include: ['**/*.ts'],
    }),
  );
  // webpack, as the example builds (Turbopack refuses ES module syntax under a "type": "commonjs" package.json).
  const build = spawnSync(process.execPath, [next, 'build', '--webpack'], { cwd: app, env, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`next build without ABLY_API_KEY failed:\n${build.stdout}\n${build.stderr}`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: app, env });
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (let attempt = 0; attempt < 100 && !/Ready in/.test(output); attempt++) await new Promise((r) => setTimeout(r, 200));
  if (!/Ready in/.test(output)) throw new Error(`next start did not become ready:\n${output}`);
}, 300_000);

afterAll(() => {
  server?.kill();
  rmSync(app, { recursive: true, force: true });
});

test('the documented route builds without ABLY_API_KEY and, signed in, answers a logged server error with no token', async () => {
  const cookie = await sealData({ user: { id: 'alice' } }, { password: sessionSecret });
  const response = await fetch(`${base}/api/ably-token`, { headers: { cookie: `app.session=${cookie}` } });
  const body = await response.text();
  expect(response.status).toBe(500); // not 503: an unset variable does not fix itself, so no retry is invited
  expect(body).not.toMatch(/eyJ/); // no JWT
  expect(JSON.parse(body)).toEqual({ error: expect.objectContaining({ statusCode: response.status }) });
  await new Promise((r) => setTimeout(r, 200));
  expect(output).toContain('ERR_INVALID_API_KEY');
  expect(output).toContain('is the environment variable set?');
}, 30_000);

test('without a session the route still answers 401 (the key is only read for a signed-in user)', async () => {
  expect((await fetch(`${base}/api/ably-token`)).status).toBe(401);
});
