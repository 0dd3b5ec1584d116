import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { Readable } from 'node:stream';
import { MAX_TOKEN_INPUT_BYTES, MAX_TOKEN_JSON_DEPTH, jsonDepth } from '../src/input';
import { run } from '../src/program';
import { SecretRedactor } from '../src/redaction';
import { collectSecrets, keyLikeSecrets } from '../src/secrets';
import { KEY_NAME, SECRET, buildCli, runCli } from './helpers';

// Every input the CLI reads is bounded: what it scans for secrets, what it reads from stdin, how
// deep it lets a token's JSON nest.
jest.setTimeout(30_000);
beforeAll(() => buildCli(), 120_000);

const now = () => Math.floor(Date.now() / 1000);
const b64url = (text: string) => Buffer.from(text).toString('base64url');

/** A signed Ably-like token whose payload is the given JSON text, as is. */
function tokenWithPayload(payload: string): string {
  return jwt.sign(payload, SECRET, { algorithm: 'HS256', keyid: KEY_NAME });
}

/**
 * A valid Ably token padded by a claim, plus line breaks (which the CLI trims, but counts), to
 * exactly `bytes` bytes of input: not every length is a JWT's (base64url has none of 4n+1).
 */
function inputOfSize(bytes: number): string {
  const claims = { 'x-ably-capability': '{"lobby":["publish","subscribe"]}', 'x-ably-clientId': 'alice', iat: now(), exp: now() + 600, pad: '' };
  const base = tokenWithPayload(JSON.stringify(claims)).length;
  // base64url: 4 characters per 3 bytes of payload.
  claims.pad = 'x'.repeat(Math.floor(((bytes - base) * 3) / 4) - 3);
  const token = tokenWithPayload(JSON.stringify(claims));
  return token + '\n'.repeat(bytes - token.length);
}

/** Runs the CLI in this process, with a given stdin; returns its exit code and output. */
async function runInProcess(argv: string[], stdin: NodeJS.ReadableStream = Readable.from([])) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin,
    env: { PATH: '/usr/bin' },
  });
  return { code, stdout, stderr };
}

describe('finding key-shaped secrets', () => {
  // The pattern the scan replaces: same stretches, without its quadratic backtracking.
  const KEY_LIKE = /[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+:([^\s'"`]+)/g;

  it('finds exactly what the key-shaped regex finds', () => {
    const piece = fc.constantFrom('a', 'Z', '9', '_', '-', '.', ':', ' ', '\n', "'", '"', '`', 'é', '\u00a0', 'app.key:', 's3cr3t');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(keyLikeSecrets(text)).toEqual([...text.matchAll(KEY_LIKE)].map((match) => match[1]));
      }),
      { numRuns: 3000 },
    );
  });

  it('scans megabytes of base64 and of colons at once (the regex took 22 s on 200 KB)', () => {
    // A guard only (the jest timeout): the equivalence above and the scan's shape are the proof.
    const base64 = 'eyJhbGciOiJIUzI1NiJ9'.repeat(200_000); // 4 MB, no colon
    const colons = 'a.b:'.repeat(500_000) + 'a.'.repeat(500_000);
    expect(keyLikeSecrets(base64)).toEqual([]);
    expect(keyLikeSecrets(`${colons}:x`)).toHaveLength(1);
    const redactor = new SecretRedactor();
    collectSecrets(redactor, ['inspect', base64, `--key=app.key:${SECRET}`], { ABLY_API_KEY: base64 });
    expect(redactor.redact(SECRET)).toBe('[redacted]');
  });
});

describe('jsonDepth', () => {
  it('counts nesting without recursion, ignores brackets in strings and stops at the limit', () => {
    expect(jsonDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonDepth('{"a":"[[[{{{\\"[["}')).toBe(1);
    expect(jsonDepth('['.repeat(1_000_000))).toBe(1_000_000);
    expect(jsonDepth('['.repeat(1_000_000), 33)).toBe(33);
  });
});

describe('the size limit', () => {
  it('reads a token of exactly 128 KiB from stdin', async () => {
    const input = inputOfSize(MAX_TOKEN_INPUT_BYTES);
    expect(input.length).toBe(131_072);
    expect(input.trimEnd().length).toBeGreaterThan(131_060);
    const result = await runCli(['inspect', '-', '--json'], { input });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toMatchObject({ clientId: 'alice' });
  });

  it.each([
    ['inspect', ['inspect', '-']],
    ['explain', ['explain', '-', '--room', 'lobby', '--feature', 'send']],
  ])('%s refuses one byte more on stdin with exit 2, naming the limit', async (_, argv) => {
    const result = await runCli(argv, { input: `${inputOfSize(MAX_TOKEN_INPUT_BYTES)}\n` });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(
      'error: The token on stdin is larger than 128 KiB (131072 bytes), the most the CLI reads: ably-js refuses larger tokens, so this is no Ably token.\n',
    );
  });

  it('stops reading stdin at the limit instead of reading it whole', async () => {
    let served = 0;
    // 64 KiB chunks of an endless stream (bounded at 1 GiB so the test ends even if this fails).
    const chunk = Buffer.alloc(64 * 1024, 'e');
    const endless = Readable.from(
      (function* () {
        for (let i = 0; i < 16_384; i++) {
          served += chunk.length;
          yield chunk;
        }
      })(),
    );
    const result = await runInProcess(['inspect', '-'], endless);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('larger than 128 KiB (131072 bytes)');
    expect(served).toBeLessThanOrEqual(MAX_TOKEN_INPUT_BYTES + 2 * chunk.length);
  });

  it('refuses a token argument over the limit too (the shell allows 128 KiB per argument; run() is called with more)', async () => {
    const result = await runInProcess(['inspect', `${inputOfSize(MAX_TOKEN_INPUT_BYTES)}\n`]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('The token given on the command line is larger than 128 KiB (131072 bytes)');
    // Counted in UTF-8 bytes, not characters.
    const wide = await runInProcess(['inspect', 'é'.repeat(MAX_TOKEN_INPUT_BYTES / 2 + 1)]);
    expect(wide.stderr).toContain('larger than 128 KiB');
  });
});

describe('a deeply nested token', () => {
  const nested = (levels: number) =>
    tokenWithPayload(`{"x-ably-capability":"{\\"lobby\\":[\\"subscribe\\"]}","iat":${'['.repeat(levels)}1${']'.repeat(levels)},"exp":${now() + 600}}`);
  const message = `error: The token's payload nests arrays or objects more than ${MAX_TOKEN_JSON_DEPTH} levels deep; an Ably token nests one or two, so this is no Ably token (the CLI stops there rather than recurse into it).\n`;

  it.each([
    ['inspect', ['inspect', '-']],
    ['inspect --json', ['inspect', '-', '--json']],
    ['explain', ['explain', '-', '-r', 'lobby']],
  ])('%s: an iat nested 20,000 levels is a one-line error with exit 2, not a stack overflow', async (_, argv) => {
    const result = await runCli(argv, { input: nested(20_000) });
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: message });
  });

  it('a header nested deep is refused the same way; 32 levels still decode', async () => {
    const header = b64url(`{"alg":"HS256","kid":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    const [, payload, signature] = nested(1).split('.');
    const result = await runInProcess(['inspect', `${header}.${payload}.${signature}`]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain("The token's header nests arrays or objects more than 32 levels deep");
    const shallow = await runCli(['inspect', '-', '--json'], { input: nested(MAX_TOKEN_JSON_DEPTH - 1) });
    expect(shallow.code).toBe(0);
    expect(JSON.parse(shallow.stdout)).toMatchObject({ issuedAt: 'invalid date' });
  });
});
