import { request } from 'node:http';
import { join } from 'node:path';
import { listenFailureMessage } from '../src';
import { ServerProcess } from '../src/testing';

const SIGNAL_SERVER = join(__dirname, 'fixtures', 'signal-server.ts');

async function withServer(env: Record<string, string>, run: (server: ServerProcess, port: number) => Promise<void>): Promise<void> {
  const server = ServerProcess.start(SIGNAL_SERVER, env);
  let exited = false;
  void server.exited.then(() => (exited = true));
  try {
    const [, port] = await server.waitFor(/signal server on (\d+)/);
    await run(server, Number(port));
  } finally {
    if (!exited && server.pid) process.kill(-server.pid, 'SIGKILL');
  }
}

describe('closeOnSignals', () => {
  test('closes once on SIGTERM, ignores a second signal mid-close, ends open connections and exits 0', async () => {
    await withServer({}, async (server, port) => {
      // An open response: without closeAllConnections the server would wait for it forever.
      const opened = new Promise<void>((resolve, reject) => {
        request({ host: '127.0.0.1', port }, (response) => {
          response.once('data', () => resolve());
          response.on('error', () => undefined);
        })
          .on('error', reject)
          .end();
      });
      await opened;
      process.kill(server.pid!, 'SIGTERM');
      await server.waitFor(/closing/);
      process.kill(server.pid!, 'SIGINT');
      expect(await server.exited).toBe(0);
      expect(server.output().match(/closing/g)).toHaveLength(1);
    });
  }, 30_000);

  test('exits 1 and says why when close fails', async () => {
    await withServer({ CLOSE_FAILS: '1' }, async (server) => {
      process.kill(server.pid!, 'SIGINT');
      expect(await server.exited).toBe(1);
      expect(server.errors()).toMatch(/The signal server failed to stop cleanly:.*close failed on purpose/s);
    });
  }, 30_000);
});

describe('listenFailureMessage', () => {
  test('tells to set PORT when the port is taken', () => {
    const error = Object.assign(new Error('listen EADDRINUSE: address already in use :::3000'), { code: 'EADDRINUSE' });
    expect(listenFailureMessage(error, 3000)).toBe('Port 3000 is in use: set PORT to another port.');
  });

  test("gives any other error's message", () => {
    const error = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), { code: 'EACCES' });
    expect(listenFailureMessage(error, 80)).toBe('Could not start the server: listen EACCES: permission denied 0.0.0.0:80');
    expect(listenFailureMessage('not an error', 80)).toBe('Could not start the server: not an error');
  });
});
