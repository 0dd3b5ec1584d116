import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AblyChatAuthError } from '../src/index';

// The union in errors.ts is the list of stable codes; the error reference shipped in the package
// (packages/core/ERRORS.md) must describe each, and nothing else, under a heading `help` links to.
describe('error codes', () => {
  const union = readFileSync(path.resolve(__dirname, '../src/errors.ts'), 'utf8').match(/export type AblyChatAuthErrorCode =([\s\S]*?);/)![1]!;
  const codes = [...union.matchAll(/'(ERR_[A-Z_]+)'/g)].map((m) => m[1]!);
  const reference = readFileSync(path.resolve(__dirname, '../ERRORS.md'), 'utf8');
  const documented = [...reference.matchAll(/^### `(ERR_[A-Z_]+)`\n\n(.+)$/gm)].map((m) => [m[1]!, m[2]!] as const);

  it('reads the union and the reference', () => {
    expect(codes).toEqual(expect.arrayContaining(['ERR_INVALID_OPTIONS', 'ERR_UNKNOWN_OPTION', 'ERR_PRIVILEGED_OPERATION', 'ERR_REVOCATION_FAILED']));
    expect(documented.length).toBeGreaterThan(10);
  });

  it('describes every code of AblyChatAuthErrorCode, and only those', () => {
    expect(documented.map(([code]) => code).sort()).toEqual([...codes].sort());
    for (const [, when] of documented) expect(when.trim().length).toBeGreaterThan(10);
  });

  it('gives every error a help link to its heading (GitHub-style anchor), kept in JSON', () => {
    const error = new AblyChatAuthError('ERR_UNKNOWN_OPTION', 'x');
    expect(error.help).toBe('@ably-chat-auth/core/ERRORS.md#err_unknown_option');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'ERR_UNKNOWN_OPTION', help: error.help });
    const anchors = documented.map(([code]) => `#${code.toLowerCase()}`);
    for (const code of codes) expect(anchors).toContain(new AblyChatAuthError(code as never, 'x').help.slice(error.help.indexOf('#')));
  });

  it('ships the reference in the package', () => {
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('ERRORS.md');
  });
});
