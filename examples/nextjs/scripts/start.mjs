// `next start` on PORT (default 3000) and HOST (default 127.0.0.1). `next start -p 0` is not
// supported, so PORT=0 picks a free port here first.
//
//   PORT=3000 node scripts/start.mjs
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const app = resolve(import.meta.dirname, '..');
const host = process.env.HOST || '127.0.0.1';
const raw = (process.env.PORT ?? '').trim() || '3000';
if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
  console.error(`Configuration error: PORT must be a whole number from 0 to 65535; got ${JSON.stringify(raw.slice(0, 20))}.`);
  process.exit(1);
}

/** A port nothing listens on now (the OS's pick for listen(0)). */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

const port = Number(raw) === 0 ? await freePort() : Number(raw);
const next = join(dirname(createRequire(import.meta.url).resolve('next/package.json')), 'dist', 'bin', 'next');
const child = spawn(process.execPath, [next, 'start', '-H', host, '-p', String(port)], {
  cwd: app,
  stdio: 'inherit',
  env: { ...process.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
