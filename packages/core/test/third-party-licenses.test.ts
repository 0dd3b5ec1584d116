/* core bundles levenshtein-edit-distance into dist/ (tsup's noExternal): the copy must carry its
 * licence, the one of the version installed, and the package must not also depend on it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { levenshteinEditDistance } from 'levenshtein-edit-distance';
import { closestName } from '../src/did-you-mean';

const root = join(__dirname, '..');

test("THIRD_PARTY_LICENSES.md holds the bundled package's licence as installed, and ships in the package", () => {
  const installed = readFileSync(require.resolve('levenshtein-edit-distance/license', { paths: [root] }), 'utf8').trim();
  expect(readFileSync(join(root, 'THIRD_PARTY_LICENSES.md'), 'utf8')).toContain(installed);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; dependencies?: Record<string, string> };
  expect(manifest.files).toContain('THIRD_PARTY_LICENSES.md');
  expect(manifest.dependencies?.['levenshtein-edit-distance']).toBeUndefined();
});

test('the did-you-mean uses its edit distance: one typo away is suggested, a stranger is not', () => {
  expect(levenshteinEditDistance('polciy', 'policy')).toBe(2);
  expect(closestName('polciy', ['policy', 'ttl'])).toBe('policy');
  expect(closestName('TLL', ['policy', 'ttl'])).toBe('ttl');
  expect(closestName('somethingElse', ['policy', 'ttl'])).toBeUndefined();
});
