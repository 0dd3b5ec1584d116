import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createDemoConfig, DemoConfigError } from '@ably-chat-auth-examples/shared/src/config';
import { checkSessionSecret, MIN_SESSION_SECRET_LENGTH } from '../lib/config';
import { PEER_APPENDED } from '../lib/start-script';
import { register } from '../instrumentation';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  delete (globalThis as Record<symbol, unknown>)[Symbol.for('ably-chat-auth-examples.nextjs.config')];
  delete (globalThis as Record<symbol, unknown>)[Symbol.for('ably-chat-auth-examples.nextjs.rate-limits')];
  delete (globalThis as Record<symbol, unknown>)[PEER_APPENDED];
  jest.restoreAllMocks();
});

describe('SESSION_SECRET for iron-session', () => {
  test('a secret under 32 characters is refused, naming the variable and the length, never the value', () => {
    const secret = 'short-secret-XYZ';
    let error: unknown;
    try {
      checkSessionSecret(createDemoConfig({ sessionSecret: secret }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DemoConfigError);
    expect((error as DemoConfigError).variable).toBe('SESSION_SECRET');
    expect((error as Error).message).toContain(`at least ${MIN_SESSION_SECRET_LENGTH} characters`);
    expect((error as Error).message).toContain(`it has ${secret.length}`);
    expect((error as Error).message).not.toContain(secret);
  });

  test('32 characters, and the random dev secret used when SESSION_SECRET is unset, are accepted', () => {
    expect(checkSessionSecret(createDemoConfig({ sessionSecret: 'x'.repeat(32) })).sessionSecret).toHaveLength(32);
    expect(checkSessionSecret(createDemoConfig()).sessionSecretIsRandom).toBe(true);
  });
});

describe('instrumentation.ts register() (runs when the server starts)', () => {
  test('under plain next start (no peer address appended) it stops the server, saying how to start it', async () => {
    process.env.NEXT_RUNTIME = 'nodejs';
    const errors: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((message: string) => void errors.push(message));
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exit');
    });
    await expect(register()).rejects.toThrow('exit');
    expect(exit).toHaveBeenCalledWith(1);
    expect(errors).toEqual([expect.stringMatching(/^Configuration error: start this app with scripts\/start\.mjs .*X-Forwarded-For/)]);
  });

  test('a short SESSION_SECRET stops the server with the message', async () => {
    (globalThis as Record<symbol, unknown>)[PEER_APPENDED] = true;
    process.env.NEXT_RUNTIME = 'nodejs';
    process.env.SESSION_SECRET = 'too-short';
    const errors: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((message: string) => void errors.push(message));
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    await register();
    expect(exit).toHaveBeenCalledWith(1);
    expect(errors).toEqual([expect.stringMatching(/^Configuration error: SESSION_SECRET must be at least 32 characters/)]);
  });

  test('a malformed ABLY_API_KEY stops it too, without echoing the key', async () => {
    (globalThis as Record<symbol, unknown>)[PEER_APPENDED] = true;
    process.env.NEXT_RUNTIME = 'nodejs';
    process.env.ABLY_API_KEY = 'not-a-key-SECRETPART';
    const errors: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((message: string) => void errors.push(message));
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    await register();
    expect(exit).toHaveBeenCalledWith(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Configuration error: .*ABLY_API_KEY/);
    expect(errors[0]).not.toContain('SECRETPART');
  });

  test('a good config prints the shared startup notices (dev-key banner, random session secret)', async () => {
    (globalThis as Record<symbol, unknown>)[PEER_APPENDED] = true;
    process.env.NEXT_RUNTIME = 'nodejs';
    delete process.env.ABLY_API_KEY;
    delete process.env.SESSION_SECRET;
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((message: string) => void lines.push(message));
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    await register();
    expect(exit).not.toHaveBeenCalled();
    expect(lines.join('\n')).toContain('ABLY_API_KEY is not set');
    expect(lines.join('\n')).toContain('SESSION_SECRET is not set');
  });
});

describe('scripts/start.mjs', () => {
  test('a PORT that is not a port stops it before next starts, with the format', () => {
    const run = spawnSync(process.execPath, [join(__dirname, '..', 'scripts', 'start.mjs')], { env: { ...process.env, PORT: 'eighty' }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('PORT must be a whole number from 0 to 65535; got "eighty"');
  });
});
