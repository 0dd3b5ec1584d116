import { readFileSync } from 'node:fs';
import path from 'node:path';

// docs/core.md lists what each entry exports; this keeps the list exact as the entries change.
function exportedNames(file: string): string[] {
  // Comments out: a JSDoc example may show an `export { ... }` of its own.
  const source = readFileSync(path.resolve(__dirname, '../src', file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const names = [...source.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((name) => name.replace(/^\s*type\s+/, '').trim())
      .filter(Boolean),
  );
  const declared = [...source.matchAll(/^export (?:async )?(?:function|const|type|interface|class) (\w+)/gm)].map((m) => m[1]!);
  return [...new Set([...names, ...declared])].sort();
}

function documentedNames(entry: string): string[] {
  const docs = readFileSync(path.resolve(__dirname, '../../../docs/core.md'), 'utf8');
  const line = docs.split('\n').find((l) => l.startsWith(`\`${entry}\` (`));
  if (!line) throw new Error(`docs/core.md lists no exports for ${entry}`);
  return [...line.slice(line.indexOf(':')).matchAll(/`([\w$]+)`/g)].map((m) => m[1]!).sort();
}

describe('docs/core.md lists exactly what each entry exports', () => {
  it.each([
    ['@ably-chat-auth/core', 'index.ts'],
    ['@ably-chat-auth/core/adapter', 'adapter.ts'],
    ['@ably-chat-auth/core/fetch', 'fetch.ts'],
  ])('%s', (entry, file) => {
    expect(documentedNames(entry)).toEqual(exportedNames(file));
  });

  it('keeps adapter plumbing out of the root entry', () => {
    const root = exportedNames('index.ts');
    for (const name of [
      'createAdapterTokenRoute',
      'writeTokenRouteResponse',
      'internalErrorResponse',
      'ablyErrorResponse',
      'ApiKeyResolver',
      'parseDurationSeconds',
      'resolveTokenIssuerOptions',
    ]) {
      expect(root).not.toContain(name);
    }
  });
});
