import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';

// An example's entry point runs under tsx as in `pnpm start`, with the root tsconfig that maps the
// workspace packages to their sources, so no build is needed first.
const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const TSX_CLI = require.resolve('tsx/cli', { paths: [REPO_ROOT] });

/** Environment variables the demo config reads; the parent's are dropped so each run sets its own. */
const DEMO_ENV = /^(PORT|ABLY_API_KEY|SESSION_SECRET|RATE_LIMIT_|TRUST_PROXY_HOPS$|REDIS_URL$|METRICS_PORT$)/;

/** An example's `src/server.ts` running in its own process group, with what it printed so far. */
export class ServerProcess {
  private out = '';
  private err = '';
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  /** Runs `entry` (absolute path of an example's `src/server.ts`) with the given demo variables. */
  static start(entry: string, env: Record<string, string>): ServerProcess {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !DEMO_ENV.test(name)));
    const child = spawn(process.execPath, [TSX_CLI, '--tsconfig', join(REPO_ROOT, 'tsconfig.json'), entry], {
      cwd: dirname(dirname(entry)),
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    return new ServerProcess(child);
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

  /** Sends SIGTERM (unless it has exited) and resolves with the exit code. */
  stop(): Promise<number | null> {
    // The tsx CLI runs the server in a child; signal the whole group we created.
    if (this.child.exitCode === null && this.child.pid) process.kill(-this.child.pid, 'SIGTERM');
    return this.exited;
  }
}
