import jwt from 'jsonwebtoken';
import { KEY, KEY_NAME, SECRET, UNSAFE_CHARACTER, buildCli, runCli, type CliResult } from './helpers';

// Forged tokens, signed with jsonwebtoken (the signer Ably's own docs use) and the test key, so
// `inspect --key` reaches every output path, the "NOT verified" line included.
jest.setTimeout(30_000);
beforeAll(() => buildCli(), 120_000);

// Erases the line, returns to its start, reverses text, a one-byte CSI, hidden characters.
const EVIL = '\u001b[2K\r\u202e\u2066\u200b\ufeff\u009b31m\u0007\u007f';
const now = () => Math.floor(Date.now() / 1000);

/** Signs the payload as given (a string, so even `1e400` or a string `iat` reaches the token unchanged). */
function forge(payload: Record<string, unknown> | string, { kid = KEY_NAME, secret = SECRET } = {}): string {
  return jwt.sign(typeof payload === 'string' ? payload : JSON.stringify(payload), secret, { algorithm: 'HS256', keyid: kid });
}

function expectNoRawControl(result: CliResult): void {
  expect(result.stdout).not.toMatch(UNSAFE_CHARACTER);
  expect(result.stderr).not.toMatch(UNSAFE_CHARACTER);
}

describe('a token forged with control characters', () => {
  // jsonwebtoken writes the header as Latin-1 and core reads it as UTF-8 (RFC 7515, as jose does):
  // the kid carries ASCII and C0 controls, the same bytes in both.
  const kid = `${KEY_NAME}\u001b[2K\r\u001b[32m\nSignature       signature verified`;
  const clientId = `alice${EVIL}\nSignature  signature verified`;
  const revocationKey = `rk${EVIL}`;
  const room = `lobby${EVIL}\n`;
  const payload = {
    'x-ably-capability': JSON.stringify({ [room]: ['publish', 'subscribe'], 'dms:*': ['history'] }),
    'x-ably-clientId': clientId,
    'x-ably-revocation-key': revocationKey,
    note: EVIL,
    iat: now(),
    exp: now() + 600,
  };
  const token = forge(payload, { kid });

  it.concurrent('reaches inspect output only as visible escapes, with or without a key', async () => {
    for (const env of [{}, { ABLY_API_KEY: KEY }] as Array<Record<string, string>>) {
      const result = await runCli(['inspect', token], { env });
      expectNoRawControl(result);
      expect(result.code).toBe('ABLY_API_KEY' in env ? 1 : 0);
      const lines = result.stdout.split('\n');
      // Exactly one Signature line, and it is the CLI's own.
      expect(lines.filter((line) => line.startsWith('Signature'))).toHaveLength(1);
      expect(lines).toContain(`Client ID       alice\\u001b[2K\\r\\u202e\\u2066\\u200b\\ufeff\\u009b31m\\u0007\\u007f\\nSignature  signature verified`);
      expect(lines).toContain(`Key name        ${KEY_NAME}\\u001b[2K\\r\\u001b[32m\\nSignature       signature verified`);
      expect(result.stdout).toContain('Revocation key  rk\\u001b[2K\\r\\u202e');
      expect(lines).toContain('  lobby\\u001b[2K\\r\\u202e\\u2066\\u200b\\ufeff\\u009b31m\\u0007\\u007f\\n  publish, subscribe');
    }
  });

  it.concurrent('shows every invisible character core refuses in names as an escape: soft hyphen, tag, Hangul filler', async () => {
    const invisible = forge({
      'x-ably-capability': JSON.stringify({ 'ad\u00admin:\u{e0041}': ['publish'] }),
      'x-ably-clientId': 'ad\u00admin\u3164',
      'ably.room.*': 'Alice\u034f\u061c',
      iat: now(),
      exp: now() + 600,
    });
    const result = await runCli(['inspect', invisible]);
    expectNoRawControl(result);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Client ID +ad\\u00admin\\u3164\n/);
    expect(result.stdout).toContain('ad\\u00admin:\\udb40\\udc41');
    expect(result.stdout).toContain('Alice\\u034f\\u061c');
    const json = await runCli(['inspect', invisible, '--json']);
    expectNoRawControl(json);
    expect(JSON.parse(json.stdout)).toMatchObject({ clientId: 'ad\u00admin\u3164', userClaims: { '*': 'Alice\u034f\u061c' } });
  });

  it.concurrent('reaches explain output only as visible escapes, --room included', async () => {
    const denied = await runCli(['explain', token, '--room', `elsewhere${EVIL}`, '--feature', 'send']);
    expectNoRawControl(denied);
    expect(denied.code).toBe(1);
    expect(denied.stdout.split('\n')[0]).toBe(
      `DENIED  "alice\\u001b[2K\\r\\u202e\\u2066\\u200b\\ufeff\\u009b31m\\u0007\\u007f\\nSignature  signature verified" may not use 'send' in room 'elsewhere\\u001b[2K\\r\\u202e\\u2066\\u200b\\ufeff\\u009b31m\\u0007\\u007f'`,
    );
    expect(denied.stdout).toContain("It grants: 'lobby\\u001b[2K\\r\\u202e");
    const allowed = await runCli(['explain', token, '--room', room, '--feature', 'send']);
    expectNoRawControl(allowed);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain("granted by 'lobby\\u001b[2K");
  });

  it.concurrent('reaches error messages on stderr only as visible escapes', async () => {
    const bad = forge({ 'x-ably-capability': JSON.stringify({ [`r${EVIL}\nSignature  signature verified`]: 'publish' }), iat: now() });
    const result = await runCli(['inspect', bad]);
    expectNoRawControl(result);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain("error: The operations of resource 'r\\u001b[2K\\r\\u202e");
    const unknown = await runCli(['explain', token, '--room', 'lobby', '--feature', `sned${EVIL}`]);
    expectNoRawControl(unknown);
    expect(unknown.stderr).toMatch(/^error: --feature: Unknown Chat feature/);
    const refused = await runCli(['inspect', token, `--evil${EVIL}`]);
    expectNoRawControl(refused);
    expect(refused.stderr).toContain("unknown option '--evil\\u001b[2K");
  });

  it.concurrent('keeps --json exact: every field parses back to the forged value, with no raw control character', async () => {
    const inspect = await runCli(['inspect', token, '--json'], { env: { ABLY_API_KEY: KEY } });
    expectNoRawControl(inspect);
    const json = JSON.parse(inspect.stdout) as {
      clientId: string;
      keyName: string;
      revocationKey: string;
      verificationError: string;
      rooms: Record<string, unknown>;
    };
    expect(json.clientId).toBe(clientId);
    expect(json.keyName).toBe(kid);
    expect(json.revocationKey).toBe(revocationKey);
    expect(Object.keys(json.rooms).sort()).toEqual(['dms:*', room].sort());
    expect(json.verificationError).toBe(`The token was signed by key '${kid}', not by '${KEY_NAME}'.`);
    const explain = await runCli(['explain', token, '--room', room, '--feature', 'send', '--json']);
    expectNoRawControl(explain);
    expect(JSON.parse(explain.stdout)).toMatchObject({ allowed: true, room, clientId, grantedBy: { publish: room } });
  });
});

describe('a token with absurd iat or exp', () => {
  const capability = JSON.stringify({ lobby: ['publish', 'subscribe'] });
  // Raw JSON, so that 1e400 (Infinity once parsed) and strings reach the token as written.
  // A number is a claim Ably reads (the signature verifies); a string or null is no iat/exp at
  // all, which Ably refuses (40144), so verification says so and inspect exits 1.
  const cases: Array<[string, string, string, 'verified' | 'refused']> = [
    ['iat 1e20, exp -1e20', '1e20', '-1e20', 'verified'],
    ['iat "NaN", exp "soon"', '"NaN"', '"soon"', 'refused'],
    ['iat -1e400, exp 1e400', '-1e400', '1e400', 'verified'],
    ['iat 8.64e12 + 1 s, exp null', '8640000000001', 'null', 'refused'],
    ['iat and exp strings holding control characters', '"\\u202e\\u001b[2K1"', '"\\u0007\\u009b"', 'refused'],
  ];

  it.concurrent.each(cases)('prints "invalid date" for %s and goes on', async (_name, iat, exp, verification) => {
    const token = forge(`{"x-ably-capability":${JSON.stringify(capability)},"x-ably-clientId":"erin","iat":${iat},"exp":${exp}}`);
    const human = await runCli(['inspect', token], { env: { ABLY_API_KEY: KEY } });
    expect(human).toMatchObject({ code: verification === 'verified' ? 0 : 1, stderr: '' });
    expect(human.stdout).toMatch(/^Issued +invalid date \(iat is .+\)$/m);
    expect(human.stdout).toMatch(/^Expires +invalid date \(exp is .+\)$/m);
    if (verification === 'verified') expect(human.stdout).toContain('signature verified');
    else expect(human.stdout).toMatch(/^Signature +NOT verified: The token has no (iat|exp) claim/m);
    expect(human.stdout).toContain('Chat features by room');
    const json = await runCli(['inspect', token, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ clientId: 'erin', issuedAt: 'invalid date', expiresAt: 'invalid date' });
    const explain = await runCli(['explain', token, '-r', 'lobby', '-f', 'send']);
    expect(explain).toMatchObject({ code: 0, stderr: '' });
    expect(explain.stdout).toMatch(/^ALLOWED/);
  });

  it.concurrent('still shows a valid date at the edge of the range, and a negative one', async () => {
    const token = forge(`{"x-ably-capability":${JSON.stringify(capability)},"iat":-1,"exp":8640000000000}`);
    const json = await runCli(['inspect', token, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ issuedAt: '1969-12-31T23:59:59.000Z', expiresAt: '+275760-09-13T00:00:00.000Z', expired: false });
  });
});
