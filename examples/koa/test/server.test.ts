import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

// The entry point runs under tsx as in `pnpm start`; the root tsconfig maps the workspace packages
// to their sources, so this test needs no prior build.
const ROOT = join(__dirname, '..', '..', '..');
const TSX_CLI = require.resolve('tsx/cli', { paths: [ROOT] });

interface Run {
  child: ChildProcess;
  output(): string;
  errors(): string;
  exited: Promise<number | null>;
}

function startServer(env: Record<string, string>): Run {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PORT|ABLY_API_KEY|SESSION_SECRET|RATE_LIMIT_)/.test(k)));
  const child = spawn(process.execPath, [TSX_CLI, '--tsconfig', join(ROOT, 'tsconfig.json'), 'src/server.ts'], {
    cwd: join(__dirname, '..'),
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => out, errors: () => err, exited };
}

async function waitFor(run: Run, pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(run.output());
    if (match) return match;
    if (run.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`Server did not print ${pattern}; stdout:\n${run.output()}\nstderr:\n${run.errors()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stop(run: Run): Promise<number | null> {
  // The tsx CLI runs the server in a child; signal the whole group we created.
  if (run.child.exitCode === null && run.child.pid) process.kill(-run.child.pid, 'SIGTERM');
  return run.exited;
}

describe('src/server.ts', () => {
  jest.setTimeout(30_000);

  test('without ABLY_API_KEY: prints the dev-key banner, listens on PORT and serves tokens', async () => {
    const run = startServer({ PORT: '0' });
    try {
      const [, port] = await waitFor(run, /listening on http:\/\/localhost:(\d+)/);
      expect(run.output()).toContain('ABLY_API_KEY is not set');
      expect(run.output()).toContain('Ably will REJECT these tokens');
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/`)).status).toBe(200);
      const login = await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"alice"}' });
      // koa-session sets the session id and its signature; a browser sends both back.
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
      const token = await fetch(`${base}/api/ably-token`, { headers: { cookie } });
      expect(token.status).toBe(200);
      expect(token.headers.get('content-type')).toMatch(/^application\/jwt/);
    } finally {
      expect(await stop(run)).toBe(0);
    }
  });

  test('with a malformed ABLY_API_KEY: exits with status 1 naming the format, never echoing the value', async () => {
    const run = startServer({ PORT: '0', ABLY_API_KEY: 'myapp-TopSecretValue42' });
    const code = await run.exited;
    expect(code).toBe(1);
    expect(run.errors()).toMatch(/Configuration error: ABLY_API_KEY is malformed: expected an Ably API key of the form 'appId.keyId:secret'/);
    expect(run.output() + run.errors()).not.toContain('TopSecretValue42');
    expect(run.output()).not.toMatch(/listening/);
  });

  test('with a real-looking key: no banner, names the key, never prints the secret', async () => {
    const run = startServer({ PORT: '0', ABLY_API_KEY: 'appAbc.keyXyz:TopSecretValue42', SESSION_SECRET: 'fixed-session-secret' });
    try {
      await waitFor(run, /listening on/);
      expect(run.output()).toContain('Signing Ably tokens with key appAbc.keyXyz.');
      expect(run.output()).not.toContain('ABLY_API_KEY is not set');
      expect(run.output()).not.toContain('SESSION_SECRET is not set');
      expect(run.output() + run.errors()).not.toContain('TopSecretValue42');
    } finally {
      await stop(run);
    }
  });
});
