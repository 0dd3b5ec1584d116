import { readFileSync } from 'node:fs';
import path from 'node:path';

// The union in errors.ts is the list of stable codes; docs/core.md's Errors table must describe
// each, and nothing else.
describe('error codes', () => {
  const union = readFileSync(path.resolve(__dirname, '../src/errors.ts'), 'utf8').match(/export type AblyChatAuthErrorCode =([\s\S]*?);/)![1]!;
  const codes = [...union.matchAll(/'(ERR_[A-Z_]+)'/g)].map((m) => m[1]!);
  const docs = readFileSync(path.resolve(__dirname, '../../../docs/core.md'), 'utf8');
  const section = docs.slice(docs.indexOf('\n## Errors'), docs.indexOf('\n## ', docs.indexOf('\n## Errors') + 1));
  const documented = [...section.matchAll(/^\| `(ERR_[A-Z_]+)` \| (.+) \|$/gm)].map((m) => [m[1]!, m[2]!] as const);

  it('reads the union and the table', () => {
    expect(codes).toEqual(expect.arrayContaining(['ERR_INVALID_OPTIONS', 'ERR_PRIVILEGED_OPERATION', 'ERR_REVOCATION_FAILED']));
    expect(documented.length).toBeGreaterThan(10);
  });

  it('describes every code of AblyChatAuthErrorCode in docs/core.md, and only those', () => {
    expect(documented.map(([code]) => code).sort()).toEqual([...codes].sort());
    for (const [, when] of documented) expect(when.trim().length).toBeGreaterThan(10);
  });
});
