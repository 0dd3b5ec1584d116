/* Chat user claims through the built binary: mint --claim, inspect, explain --room. */
import { KEY, buildCli, runCli, signWithJose, verifyWithJose, UNSAFE_CHARACTER } from './helpers';

jest.setTimeout(30_000);
beforeAll(() => {
  buildCli();
}, 120_000);

const WITH_KEY = { env: { ABLY_API_KEY: KEY } };

async function mint(args: string[]): Promise<string> {
  const result = await runCli(['mint', '-c', 'carol', '-g', '*=all', ...args], WITH_KEY);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return result.stdout.trimEnd();
}

describe('mint --claim', () => {
  it.concurrent('signs each PATTERN=VALUE as ably.room.PATTERN: JSON objects with sorted keys, other values as strings; the first = splits', async () => {
    const token = await mint(['--claim', 'support:*={"role":"agent","display_name":"Carol = C"}', '--claim', '*=Carol=C', '--claim', 'lobby=']);
    const { payload } = await verifyWithJose(token);
    expect(payload['ably.room.support:*']).toBe('{"display_name":"Carol = C","role":"agent"}');
    expect(payload['ably.room.*']).toBe('Carol=C');
    expect(payload['ably.room.lobby']).toBe('');
  });

  it.concurrent('prints userClaims with --json', async () => {
    const result = await runCli(['mint', '-c', 'carol', '-g', '*=all', '--claim', 'a:*={"x":1}', '--json'], WITH_KEY);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { userClaims: unknown }).userClaims).toEqual({ 'a:*': '{"x":1}' });
  });

  it.concurrent.each([
    [['--claim', 'nothing'], /has no '='/],
    [['--claim', '*={"broken"'], /not valid JSON/],
    [['--claim', '*=1', '--claim', '*=2'], /twice/],
    [['--claim', 'foo*=x'], /Did you mean "foo:\*"/],
    [['--claim', `*=${'x'.repeat(1100)}`], /the limit is 1024/],
  ])('exits 2 for %j', async (args, message) => {
    const result = await runCli(['mint', '-c', 'carol', '-g', '*=all', ...args], WITH_KEY);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it.concurrent('documents --claim and its first-= rule in --help', async () => {
    const result = await runCli(['mint', '--help']);
    expect(result.stdout).toContain('--claim <pattern=value>');
    expect(result.stdout).toContain("the FIRST '=' ends the pattern");
  });
});

describe('inspect and explain show user claims', () => {
  it.concurrent('inspect lists them per pattern, and in --json', async () => {
    const token = await mint(['--claim', '*={"display_name":"Carol"}', '--claim', 'announcements={"role":"moderator"}']);
    const human = await runCli(['inspect', token]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('User claims');
    expect(human.stdout).toMatch(/announcements\s+\{"role":"moderator"\}/);
    expect(human.stdout).toMatch(/\*\s+\{"display_name":"Carol"\}/);
    const json = JSON.parse((await runCli(['inspect', token, '--json'])).stdout) as { userClaims: unknown };
    expect(json.userClaims).toEqual({ '*': '{"display_name":"Carol"}', announcements: '{"role":"moderator"}' });
  });

  it.concurrent('explain --room names the claim that applies there (the most specific pattern)', async () => {
    const token = await mint(['--claim', '*=everyone', '--claim', 'support:*=support', '--claim', 'support:vip:*=vip']);
    for (const [roomName, pattern, value] of [
      ['support:vip:1', 'support:vip:*', 'vip'],
      ['support:2', 'support:*', 'support'],
      ['lobby', '*', 'everyone'],
    ] as const) {
      const json = JSON.parse((await runCli(['explain', token, '-r', roomName, '-f', 'send', '--json'])).stdout) as { userClaim: unknown };
      expect(json.userClaim).toEqual({ pattern, value });
      const human = await runCli(['explain', token, '-r', roomName, '-f', 'send']);
      expect(human.stdout).toContain(`User claim in this room: "${value}" (from pattern '${pattern}')`);
    }
    const none = await mint(['--claim', 'support:*=support']);
    const human = await runCli(['explain', none, '-r', 'lobby', '-f', 'send']);
    expect(human.stdout).toContain("No user claim of this token applies in room 'lobby'.");
    expect((JSON.parse((await runCli(['explain', none, '-r', 'lobby', '-f', 'send', '--json'])).stdout) as { userClaim: unknown }).userClaim).toBeNull();
  });

  it.concurrent('escapes terminal controls in claim values and patterns from a forged token', async () => {
    const forged = await signWithJose(
      {
        'x-ably-capability': '{"*":["publish"]}',
        'x-ably-clientId': 'mallory',
        'ably.room.*': 'Mallory\u001b[2J\u202eadmin',
        'ably.room.evil\u001b[31m': 'x',
      },
      { iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 },
    );
    for (const args of [
      ['inspect', forged],
      ['explain', forged, '-r', 'lobby', '-f', 'send'],
    ]) {
      const result = await runCli(args);
      expect(result.stdout).not.toMatch(UNSAFE_CHARACTER);
      expect(result.stdout).toContain('\\u001b[2J\\u202eadmin');
    }
  });
});
