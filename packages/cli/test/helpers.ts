import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, decodeProtectedHeader, jwtVerify } from 'jose';

export const CLI_DIR = path.resolve(__dirname, '..');
const ROOT = path.resolve(CLI_DIR, '../..');
const CORE_DIR = path.join(ROOT, 'packages/core');
const TSUP = path.join(ROOT, 'node_modules/.bin/tsup');
/** The built binary, run as a user would: `node dist/cli.js`. */
export const CLI = path.join(CLI_DIR, 'dist/cli.js');

/** Test keys: syntactically valid, never real. The secrets are long, like Ably's, so a leak is unambiguous. */
export const KEY_NAME = 'appCli.keyOne';
export const SECRET = 'cli-test-secret-ONE-must-never-be-printed-0123';
export const KEY = `${KEY_NAME}:${SECRET}`;
export const OTHER_KEY_NAME = 'appCli.keyTwo';
export const OTHER_SECRET = 'cli-test-secret-TWO-must-never-be-printed-4567';
export const OTHER_KEY = `${OTHER_KEY_NAME}:${OTHER_SECRET}`;
/** Same key name as KEY, different secret: a token signed with it fails only on its signature. */
export const FORGED_KEY = `${KEY_NAME}:cli-test-secret-FORGED-must-never-be-printed`;
const SECRETS = [SECRET, OTHER_SECRET, 'cli-test-secret-FORGED-must-never-be-printed'];
/** No output may hold this many consecutive characters of a secret (the CLI's rule). */
export const SECRET_RUN = 8;

/** Every run of {@link SECRET_RUN} characters of `secret`: none may appear in any output. */
export function secretRuns(secret: string): string[] {
  return Array.from({ length: secret.length - SECRET_RUN + 1 }, (_, i) => secret.slice(i, i + SECRET_RUN));
}
const SECRET_RUNS = SECRETS.flatMap(secretRuns);

// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[/;
/** What the CLI must never write raw (a line break aside): C0, DEL, C1, Bidi_Control, Default_Ignorable_Code_Point, lone surrogates. */
// eslint-disable-next-line no-control-regex
export const UNSAFE_CHARACTER = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\p{Bidi_Control}\p{Default_Ignorable_Code_Point}\p{Cs}]/u;

function newestMtime(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

function stale(output: string, inputs: string[]): boolean {
  let built: number;
  try {
    built = statSync(output).mtimeMs;
  } catch {
    return true;
  }
  return inputs.some((input) => newestMtime(input) > built);
}

const LOCK = path.join(CLI_DIR, '.build-lock');

function lockAge(): number {
  try {
    return statSync(LOCK).mtimeMs;
  } catch {
    return Date.now();
  }
}

function sleep(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

/**
 * Builds the binary (tsup, about a second) when it is missing or older than its sources. The CLI
 * requires @ably-chat-auth/core's build, so core is rebuilt too when stale (CI has built it
 * already). Test files run in parallel workers: a lock directory keeps one worker from cleaning
 * dist/ while another runs the binary.
 */
export function buildCli(): void {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw error;
      // A lock left by a killed run: no build takes a minute.
      if (Date.now() - lockAge() > 60_000) rmSync(LOCK, { recursive: true, force: true });
      sleep(100);
    }
  }
  try {
    if (stale(path.join(CORE_DIR, 'dist/index.js'), [path.join(CORE_DIR, 'src'), path.join(CORE_DIR, 'package.json')])) {
      execFileSync(TSUP, [], { cwd: CORE_DIR, stdio: 'pipe' });
    }
    if (
      stale(CLI, [path.join(CLI_DIR, 'src'), path.join(CLI_DIR, 'package.json'), path.join(CLI_DIR, 'tsup.config.ts'), path.join(CORE_DIR, 'dist/index.js')])
    ) {
      execFileSync(TSUP, [], { cwd: CLI_DIR, stdio: 'pipe' });
    }
  } finally {
    rmdirSync(LOCK);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Extra environment; the child otherwise gets only PATH (no ABLY_API_KEY, no NO_COLOR). */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed. Without it stdin is closed at once. */
  input?: string;
}

/** The environment a run starts from: nothing from the developer's shell that could change the output. */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra };
}

/**
 * Runs `node dist/cli.js ...args` with pipes (so never a TTY) and checks what every run must
 * hold: no test secret and no ANSI escape in anything it printed.
 */
export function runCli(args: readonly string[], { env = {}, input }: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: baseEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ably-chat-auth ${args.join(' ')} did not finish within 10 s`));
    }, 10_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      assertClean({ code, stdout, stderr }, args);
      resolve({ code, stdout, stderr });
    });
    // A CLI that stops reading (input over its limit) closes the pipe: EPIPE here is expected.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/**
 * Fails when an output holds 8 consecutive characters of a test secret, or (for piped output) an
 * ANSI escape or any other character a terminal acts on.
 */
export function assertClean(result: CliResult, args: readonly string[], { tty = false } = {}): void {
  for (const [stream, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    const run = SECRET_RUNS.find((part) => text.includes(part));
    if (run !== undefined) throw new Error(`a run of a secret (${JSON.stringify(run)}) leaked on ${stream} of: ably-chat-auth ${args.join(' ')}\n${text}`);
    if (!tty && ANSI.test(text)) throw new Error(`ANSI escapes in piped ${stream} of: ably-chat-auth ${args.join(' ')}`);
    if (!tty && UNSAFE_CHARACTER.test(text))
      throw new Error(`a raw control character on ${stream} of: ably-chat-auth ${args.join(' ')}\n${JSON.stringify(text)}`);
  }
}

/** Verifies a token with jose (independent of the jsonwebtoken that core signs with). */
export async function verifyWithJose(token: string, secret = SECRET) {
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
  return { payload: payload as Record<string, unknown>, header: protectedHeader, rawHeader: decodeProtectedHeader(token) };
}

/** Signs an arbitrary Ably-like JWT with jose, for cases core refuses to mint (expired, no capability). */
export async function signWithJose(
  claims: Record<string, unknown>,
  { keyName = KEY_NAME, secret = SECRET, iat, exp }: { keyName?: string; secret?: string; iat: number; exp?: number },
): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: keyName }).setIssuedAt(iat);
  if (exp !== undefined) jwt = jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(secret));
}
