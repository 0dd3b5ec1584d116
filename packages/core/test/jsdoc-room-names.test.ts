import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../src');

// Examples get copied: one that builds a room name by plain `${...}` interpolation teaches the
// injection the `room` tag exists to prevent (a user id of '*' widens `dms:${id}:*`).
describe('JSDoc examples build room names with the room tag', () => {
  const files = readdirSync(SRC).filter((name) => name.endsWith('.ts'));

  it('finds the sources and their examples', () => {
    expect(files).toEqual(expect.arrayContaining(['room-pattern.ts', 'token-route.ts', 'issuer.ts']));
    const all = files.map((file) => readFileSync(path.join(SRC, file), 'utf8')).join('\n');
    expect(all).toMatch(/\/\*\*[\s\S]*?@example[\s\S]*?room`/);
  });

  it.each(readdirSync(SRC).filter((name) => name.endsWith('.ts')))('%s has no untagged interpolation in a doc comment', (file) => {
    const source = readFileSync(path.join(SRC, file), 'utf8');
    const offenders: string[] = [];
    for (const comment of source.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
      for (const match of comment.matchAll(/(\w*)`([^`\n]*\$\{[^`\n]*)`/g)) {
        if (match[1] !== 'room') offenders.push(match[0]);
      }
    }
    expect(offenders).toEqual([]);
  });
});
