import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, KEY, baseEnv, buildCli, runCli, signWithJose } from './helpers';

// The CLI is started once per command, so what it loads at start is most of what it costs (the
// inspect bench holds `inspect` of the largest token to twice the decode time plus a bare Node
// start). These tests pin the modules it loads, which wall-clock timings on a busy machine cannot.

jest.setTimeout(30_000);

const execFileAsync = promisify(execFile);

const dir = mkdtempSync(path.join(tmpdir(), 'cli-start-'));
const PROBE = path.join(dir, 'probe.cjs');
// Preloaded with -r: at exit, writes the Node built-ins the process loaded to the file named in MODULES_OUT.
writeFileSync(
  PROBE,
  `process.on('exit', () => require('node:fs').writeFileSync(process.env.MODULES_OUT, JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)))));`,
);

beforeAll(() => buildCli(), 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the built CLI with pipes on every stream and returns its exit code and the built-ins it loaded. */
function builtinsLoaded(
  args: string[],
  { input = '', env = {} }: { input?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; modules: string[] }> {
  const out = path.join(dir, `modules-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', PROBE, CLI, ...args], { env: baseEnv({ MODULES_OUT: out, ...env }), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({ code, modules: JSON.parse(readFileSync(out, 'utf8')) as string[] });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

// What a token that is only decoded never needs: crypto (verification), child_process (nothing
// is spawned), and net/stream/tty (the streams Node builds around piped stdio).
const NOT_NEEDED = ['crypto', 'child_process', 'net', 'stream', 'tty'];

describe('what the CLI loads at start', () => {
  let token: string;
  beforeAll(async () => {
    const now = Math.floor(Date.now() / 1000);
    token = await signWithJose({ 'x-ably-capability': '{"lobby":["publish","subscribe"]}', 'x-ably-clientId': 'alice' }, { iat: now, exp: now + 600 });
  });

  it.each<[string, () => { args: string[]; input?: string }]>([
    ['--version', () => ({ args: ['--version'] })],
    ['inspect - (stdin)', () => ({ args: ['inspect', '-'], input: token })],
    ['inspect --json', () => ({ args: ['inspect', token, '--json'] })],
    ['explain (every feature)', () => ({ args: ['explain', '-', '--room', 'lobby'], input: token })],
    ['a usage error', () => ({ args: ['inspect', '--frob'] })],
  ])('%s: no crypto, child_process, net, stream or tty', async (_, run) => {
    const { args, input } = run();
    const { code, modules } = await builtinsLoaded(args, { input });
    expect(code).not.toBeNull();
    expect(modules.filter((name) => NOT_NEEDED.includes(name))).toEqual([]);
  });

  it('loads crypto when a key verifies the signature (so the probe sees what is loaded)', async () => {
    const { code, modules } = await builtinsLoaded(['inspect', token], { env: { ABLY_API_KEY: KEY } });
    expect(code).toBe(0);
    expect(modules).toContain('crypto');
  });
});

describe('writing to a pipe', () => {
  /** A token whose inspect output is far larger than a pipe's 64 KiB buffer. */
  async function bigToken(): Promise<string> {
    const capability: Record<string, string[]> = {};
    for (let i = 0; i < 1500; i++) capability[`team-${i}:room-${i}`] = ['publish', 'subscribe', 'history'];
    const now = Math.floor(Date.now() / 1000);
    return signWithJose({ 'x-ably-capability': JSON.stringify(capability), 'x-ably-clientId': 'alice' }, { iat: now, exp: now + 600 });
  }

  it('writes every byte to a reader that waits before reading', async () => {
    const token = await bigToken();
    // --json: the text output has times relative to now ('3 s ago'), which may differ between runs.
    const expected = await runCli(['inspect', '-', '--json'], { input: token });
    expect(expected.stdout.length).toBeGreaterThan(128 * 1024);
    const file = path.join(dir, 'big.jwt');
    writeFileSync(file, token);
    // The shell's pipe is read only after 300 ms: the CLI fills it and must wait, not drop or fail.
    const { stdout, stderr } = await execFileAsync('sh', ['-c', '"$NODE" "$CLI" inspect - --json < "$TOKEN_FILE" | (sleep 0.3; cat)'], {
      env: baseEnv({ NODE: process.execPath, CLI, TOKEN_FILE: file }),
      maxBuffer: 16 * 1024 * 1024,
    });
    expect({ stdout, stderr }).toEqual({ stdout: expected.stdout, stderr: '' });
  });

  it('stops quietly, exit 0, when the reader closes the pipe early (as `| head` does)', async () => {
    const token = await bigToken();
    const child = spawn(process.execPath, [CLI, 'inspect', '-'], { env: baseEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(token);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
