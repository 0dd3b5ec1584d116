import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// An example's entry point runs its TypeScript through tsx, as `pnpm start` does, with the root
// tsconfig that maps the workspace packages to their sources, so no build is needed first. Node
// runs the entry itself with tsx's loader (`node --import tsx`, both its ESM and CJS hooks), not
// under the tsx CLI: the CLI keeps a parent process that, on SIGTERM, waits about 30 ms for the
// child to acknowledge the signal and otherwise kills it (exit 143), which a loaded machine turns
// into a failed stop. With no wrapper the signal reaches the server's own handler.
const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const TSX_LOADER = pathToFileURL(require.resolve('tsx', { paths: [REPO_ROOT] })).href;
const TSCONFIG = join(REPO_ROOT, 'tsconfig.json');

/** Environment variables the demo config reads; the parent's are dropped so each run sets its own. */
const DEMO_ENV = /^(PORT|ABLY_API_KEY|SESSION_SECRET|RATE_LIMIT_|TRUST_PROXY_HOPS$|REDIS_URL$|METRICS_PORT$)/;

/** An example's `src/server.ts` running in its own process group, with what it printed so far. */
export class ServerProcess {
  private out = '';
  private err = '';
  /** Resolves with the exit code once the process has exited (null when a signal ended it). */
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  /**
   * Runs `entry` (absolute path of an example's `src/server.ts`, or any TypeScript entry point)
   * with the given demo variables, as `node --import tsx <entry>`.
   */
  static start(entry: string, env: Record<string, string>): ServerProcess {
    // NODE_PATH too: pnpm's launchers point it at the store's shared node_modules, through which a
    // dependency an example forgot to declare would still resolve.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !DEMO_ENV.test(name) && name !== 'NODE_PATH'));
    const child = spawn(process.execPath, ['--import', TSX_LOADER, entry], {
      cwd: dirname(dirname(entry)),
      // TSX_TSCONFIG_PATH is how tsx's loader takes the CLI's `--tsconfig`.
      env: { ...inherited, TSX_TSCONFIG_PATH: TSCONFIG, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    return new ServerProcess(child);
  }

  /** The server's process id: the process that runs the entry point and gets the signal. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything written to stdout so far. */
  output(): string {
    return this.out;
  }

  /** Everything written to stderr so far. */
  errors(): string {
    return this.err;
  }

  /** Waits until stdout matches `pattern`; throws with both streams if the process exits or `ms` pass first. */
  async waitFor(pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = pattern.exec(this.out);
      if (match) return match;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`Server did not print ${pattern}; stdout:\n${this.out}\nstderr:\n${this.err}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends SIGTERM to the server (unless it has exited) and resolves with its exit code. */
  stop(): Promise<number | null> {
    // The process group we created: the server, and anything it may have started.
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid) process.kill(-this.child.pid, 'SIGTERM');
    return this.exited;
  }
}
