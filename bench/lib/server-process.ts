/* A bench server in its own process: the load generator never shares the server's event loop. */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../servers/deps';
import type { FromServer, RouteName, ToServer } from '../servers/shared';
import type { FrameworkName } from './settings';

export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface ServerProcess {
  port: number;
  /** Memory after two full GCs. */
  memory(): Promise<MemorySnapshot>;
  /** CPU time (user + system) the server process has used so far, in microseconds. */
  cpuMicros: () => Promise<number>;
  /** Where `--cpu-prof` writes this process's profiles, when profiling. */
  profileDir?: string;
  stop(): Promise<void>;
}

// The server file of each framework, and its arguments before the route.
const SERVER_FILES: Record<FrameworkName, [file: string, ...args: string[]]> = {
  express: ['express.ts'],
  koa: ['koa.ts'],
  fastify: ['fastify.ts'],
  'nestjs-express': ['nestjs.ts', 'express'],
  'nestjs-fastify': ['nestjs.ts', 'fastify'],
};

export const PROFILE_DIR = join(REPO_ROOT, 'bench', 'results', 'profiles');

/**
 * Starts a framework's bench server for one route as a child: the server file through tsx with
 * bench/tsconfig.servers.json, which resolves the adapters and core to their built dist/ files,
 * `--expose-gc` for the memory snapshots, and `--cpu-prof` when asked.
 */
export function startServer(framework: FrameworkName, route: RouteName, { cpuProfile }: { cpuProfile: boolean }): Promise<ServerProcess> {
  const [file, ...args] = SERVER_FILES[framework];
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  let profileDir: string | undefined;
  if (cpuProfile) {
    // One directory per run: Node writes a profile per thread (tsx's loader has its own); the main thread's is the largest.
    profileDir = join(PROFILE_DIR, `${framework}-${route}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(profileDir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  }
  const child: ChildProcess = fork(join(REPO_ROOT, 'bench', 'servers', file), [...args, route], {
    cwd: REPO_ROOT,
    execArgv,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO_ROOT, 'bench', 'tsconfig.servers.json'), NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  return new Promise((resolve, reject) => {
    const failed = (code: number | null) => reject(new Error(`The ${framework} bench server (${route} route) exited (code ${code}) before it was ready.`));
    child.once('exit', failed);
    child.once('error', reject);
    child.once('message', (message: FromServer) => {
      if (message.type !== 'ready') return reject(new Error(`Unexpected first message from the ${framework} server: ${JSON.stringify(message)}`));
      child.off('exit', failed);
      let nextId = 0;
      const ask = <T extends 'memory' | 'cpu'>(type: T) =>
        new Promise<Extract<FromServer, { type: T }>>((done, fail) => {
          const id = ++nextId;
          const onMessage = (reply: FromServer) => {
            if (reply.type !== type || !('id' in reply) || reply.id !== id) return;
            child.off('message', onMessage);
            done(reply as Extract<FromServer, { type: T }>);
          };
          child.on('message', onMessage);
          if (!child.send({ type, id })) fail(new Error(`The ${framework} server's IPC channel is closed.`));
        });
      resolve({
        port: message.port,
        profileDir,
        memory: async () => {
          const { rss, heapUsed, heapTotal, external, arrayBuffers } = await ask('memory');
          return { rss, heapUsed, heapTotal, external, arrayBuffers };
        },
        cpuMicros: async () => {
          const { user, system } = await ask('cpu');
          return user + system;
        },
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.send({ type: 'stop' } satisfies ToServer);
          }),
      });
    });
  });
}
