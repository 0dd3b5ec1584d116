import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

const READY = /Ready to accept connections/;
const START_TIMEOUT_MS = 10_000;

/**
 * A real `redis-server` for tests, on a free loopback port, with no persistence
 * (`--save '' --appendonly no`): stop it to test an outage, start it again on the same port to
 * test the recovery. Set `REDIS_SERVER` to use another binary than the one on the PATH.
 *
 * @example
 * const redis = await RedisServer.start();
 * process.env.REDIS_URL = redis.url;
 * await redis.stop(); await redis.restart(); await redis.stop();
 */
export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on a free loopback port and resolves once it accepts connections. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  /** Starts it again on the same port (after {@link stop}), empty: nothing was persisted. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('redis-server is already running.');
    const binary = process.env.REDIS_SERVER ?? 'redis-server';
    const child = spawn(binary, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not get ready within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (READY.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(error.code === 'ENOENT' ? new Error(`${binary} is not installed: apt-get install -y redis-server (or set REDIS_SERVER).`) : error);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (code ${code}) before it was ready:\n${output}`));
      });
    });
    try {
      await ready;
    } catch (error) {
      this.child = undefined;
      child.kill('SIGKILL');
      throw error;
    }
  }

  /** Stops redis-server (SIGKILL: an outage, not a graceful shutdown) and resolves once it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

/** A port nothing listens on right now (the kernel's pick for a throwaway listener). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
