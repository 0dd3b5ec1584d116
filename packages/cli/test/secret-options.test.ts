import { KEY, KEY_NAME, OTHER_KEY, OTHER_SECRET, SECRET, buildCli, runCli, secretRuns, type CliResult } from './helpers';

// Feeds the API key to every option of every command, in every spelling the CLI accepts, and
// checks that no 8 consecutive characters of its secret reach stdout or stderr. The options are
// read from the built binary's --help, so an option added later is covered without editing this.
jest.setTimeout(120_000);

interface HelpOption {
  short: string | undefined;
  long: string;
  takesValue: boolean;
}

function parseOptions(help: string): HelpOption[] {
  const section = help.split(/^Options:$/m)[1]?.split(/^\S/m)[0] ?? '';
  return [...section.matchAll(/^ {2}(?:(-\w), )?(--[\w-]+)( <[^>]+>)?/gm)].map(([, short, long, value]) => ({
    short,
    long: long!,
    takesValue: value !== undefined,
  }));
}

/** The values a user might paste for a key: the key, malformed keys, a key with noise around it. */
const KEY_VALUES = [KEY, `${KEY}:extra`, ` ${KEY} `, `Bearer ${KEY}`, `'${KEY}'`];
/** What --key and ABLY_API_KEY also get: a secret pasted alone, a key missing its key id. */
const KEY_ONLY_VALUES = [SECRET, `appCli:${SECRET}`, `${SECRET}\n`];

async function runAll(cases: Array<{ args: string[]; env?: Record<string, string>; input?: string }>): Promise<Array<CliResult & { args: string[] }>> {
  const results: Array<CliResult & { args: string[] }> = [];
  const queue = [...cases];
  // Four at a time: the machine is shared.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) results.push({ ...(await runCli(next.args, next)), args: next.args });
    }),
  );
  return results;
}

function expectNoSecretRun(results: Array<CliResult & { args: string[] }>): void {
  const runs = [...secretRuns(SECRET), ...secretRuns(OTHER_SECRET)];
  for (const result of results) {
    for (const text of [result.stdout, result.stderr]) {
      const leaked = runs.find((run) => text.includes(run));
      expect({ args: result.args, leaked }).toEqual({ args: result.args, leaked: undefined });
    }
  }
}

let token: string;
let commands: Record<string, HelpOption[]>;
let baseArgs: Record<string, string[]>;

beforeAll(async () => {
  buildCli();
  const minted = await runCli(['mint', '-c', 'alice', '-g', 'lobby=all'], { env: { ABLY_API_KEY: KEY } });
  token = minted.stdout.trim();
  const help = await runCli(['--help']);
  const section = help.stdout.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? '';
  const names = [...section.matchAll(/^ {2}([\w-]+)/gm)].map((match) => match[1]!);
  commands = {};
  for (const name of names) commands[name] = parseOptions((await runCli([name, '--help'])).stdout);
  // Valid calls, so that a key given to one option gets as far into each command as it can.
  baseArgs = { inspect: [token], mint: ['-c', 'alice', '-g', 'lobby=all'], explain: [token, '-r', 'lobby', '-f', 'send'], 'check-key': [] };
}, 120_000);

it('reads every command and option from --help', () => {
  expect(Object.keys(commands).sort()).toEqual(Object.keys(baseArgs).sort());
  expect(commands.mint!.map((option) => option.long).sort()).toEqual([
    '--allow-privileged-operations',
    '--claim',
    '--client-id',
    '--grant',
    '--help',
    '--json',
    '--key',
    '--ttl',
  ]);
});

it('never prints 8 characters of the secret, whichever option of whichever command gets the key', async () => {
  const cases: Array<{ args: string[]; env?: Record<string, string> }> = [];
  for (const [command, options] of Object.entries(commands)) {
    const base = baseArgs[command]!;
    for (const option of options) {
      const values = option.long === '--key' ? [...KEY_VALUES, ...KEY_ONLY_VALUES] : KEY_VALUES;
      // Every spelling with the key itself; the other values in one spelling each (the parsing is shared).
      const spellings = [[`${option.long}=${KEY}`]];
      if (option.takesValue && option.short) spellings.push([option.short, KEY], [`${option.short}${KEY}`]);
      for (const value of values) spellings.push(option.takesValue ? [option.long, value] : [`${option.long}=${value}`]);
      // With another key in the environment, so that commands needing one get past that check.
      for (const spelling of spellings) cases.push({ args: [command, ...base, ...spelling], env: { ABLY_API_KEY: OTHER_KEY } });
    }
    for (const value of KEY_VALUES) {
      cases.push({ args: [command, ...base, value], env: { ABLY_API_KEY: OTHER_KEY } }); // an extra operand
      if (base[0] === token) cases.push({ args: [command, value, ...base.slice(1)] }); // the key where the token belongs
    }
  }
  for (const value of KEY_VALUES) cases.push({ args: [value] }, { args: ['--frob', value] }, { args: [`--frob=${value}`] }, { args: ['--version', value] });
  const results = await runAll(cases);
  expect(results.length).toBeGreaterThan(100);
  expectNoSecretRun(results);
  // The TTL that used to echo most of the secret is refused, and says so without it.
  const ttl = results.find((result) => result.args.join(' ') === ['mint', ...baseArgs.mint!, '-t', KEY].join(' '))!;
  expect(ttl.code).toBe(2);
  expect(ttl.stderr).toMatch(/^error: .*\[redacted\]/);
  expect(ttl.stderr).toContain(KEY_NAME);
});

it('never prints 8 characters of the secret given through ABLY_API_KEY or stdin', async () => {
  const cases: Array<{ args: string[]; env?: Record<string, string>; input?: string }> = [];
  for (const value of [...KEY_VALUES, ...KEY_ONLY_VALUES]) {
    for (const [command, base] of Object.entries(baseArgs)) cases.push({ args: [command, ...base], env: { ABLY_API_KEY: value } });
    cases.push({ args: ['inspect', '-'], input: value }, { args: ['explain', '-', '-r', 'lobby', '-f', 'send'], input: value });
    cases.push({ args: ['inspect', '-', '--json'], input: JSON.stringify({ token: value }) });
  }
  expectNoSecretRun(await runAll(cases));
});
