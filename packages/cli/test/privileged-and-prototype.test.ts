import jwt from 'jsonwebtoken';
import { KEY, KEY_NAME, SECRET, buildCli, runCli, verifyWithJose } from './helpers';

// Every test spawns a real process; the machine may be shared and busy.
jest.setTimeout(30_000);

beforeAll(() => {
  buildCli();
}, 120_000);

describe('mint and privileged operations', () => {
  it('refuses op:push-admin without --allow-privileged-operations, saying how to opt in', async () => {
    const result = await runCli(['mint', '--client-id', 'alice', '--grant', 'lobby=op:push-admin'], { env: { ABLY_API_KEY: KEY } });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('allowPrivilegedOperations');
  });

  it('mints it with the flag', async () => {
    const result = await runCli(['mint', '--client-id', 'alice', '--grant', 'lobby=op:push-admin', '--allow-privileged-operations'], {
      env: { ABLY_API_KEY: KEY },
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const { payload } = await verifyWithJose(result.stdout.trimEnd());
    expect(JSON.parse(payload['x-ably-capability'] as string)).toEqual({ lobby: ['push-admin'] });
  });
});

describe('inspect --json keeps rooms named like Object.prototype members', () => {
  it('lists __proto__, constructor and toString as rooms', async () => {
    // Written as JSON text: an object literal's __proto__ would set the prototype, not a key.
    const capability = '{"__proto__":["subscribe"],"constructor":["publish"],"toString":["history"]}';
    const token = jwt.sign({ 'x-ably-capability': capability, 'x-ably-clientId': 'alice' }, SECRET, { algorithm: 'HS256', keyid: KEY_NAME, expiresIn: 600 });
    const result = await runCli(['inspect', token, '--json'], { env: { ABLY_API_KEY: KEY } });
    expect(result.code).toBe(0);
    const rooms = (JSON.parse(result.stdout) as { rooms: Record<string, { capabilities: string[] }> }).rooms;
    expect(Object.keys(rooms).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(rooms, '__proto__')?.value).toMatchObject({ capabilities: ['subscribe'] });
  });
});
