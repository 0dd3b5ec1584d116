import { join } from 'node:path';
import { ServerProcess } from '../src/testing';

const BUSY_SERVER = join(__dirname, 'fixtures', 'busy-server.ts');

describe('ServerProcess', () => {
  test('runs the entry point itself (no wrapper process), so stop() gets the exit code of its SIGTERM handler even when its event loop is busy', async () => {
    const server = ServerProcess.start(BUSY_SERVER, {});
    let stopped = false;
    try {
      const [, pid] = await server.waitFor(/busy server, pid (\d+)/);
      // The process that prints is the one spawned: the signal goes straight to it.
      expect(Number(pid)).toBe(server.pid);
      // Under a wrapper that kills a child slow to acknowledge the signal, this is 143 (or null).
      expect(await server.stop()).toBe(0);
      stopped = true;
    } finally {
      if (!stopped && server.pid) process.kill(-server.pid, 'SIGKILL');
    }
  }, 30_000);

  test('runs TypeScript with the root tsconfig (workspace packages mapped to their sources)', async () => {
    const server = ServerProcess.start(join(__dirname, 'fixtures', 'core-version.ts'), {});
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/^ablyCodeForStatus\(503\) = 50300$/m);
  }, 30_000);
});
