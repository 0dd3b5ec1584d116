import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, allSnippets, checkSnippets, extractSnippets, markdownFiles, snippetFile, type Snippet } from './snippets';

// Docs are code: every ```ts block of every Markdown file compiles as a standalone strict module.
const snippets = allSnippets();
let problems: Map<Snippet, string[]>;

beforeAll(() => {
  problems = checkSnippets(snippets);
}, 180_000);

test('the harness finds the repository\u2019s snippets, the root README first among them', () => {
  expect(snippets.length).toBeGreaterThan(20);
  expect(snippets.some((s) => s.file === 'README.md')).toBe(true);
  expect(snippets.every((s) => !s.file.includes('node_modules'))).toBe(true);
});

test.each(snippets.map((s) => [`${s.file}:${s.line}`, s] as const))('%s compiles as a strict module', (_name, snippet) => {
  expect(problems.get(snippet)).toEqual([]);
});

test('extracts ts and typescript fences (also indented and tilde ones) with their Markdown line, and nothing else', () => {
  const md = [
    '# t',
    '```ts',
    'const a = 1;',
    '```',
    '',
    '```sh',
    'echo',
    '```',
    '  ```typescript',
    '  const b: string = "x";',
    '  ```',
    '~~~ts',
    'let c',
    '~~~',
    '```js',
    'x',
    '```',
  ].join('\n');
  expect(extractSnippets(md, 'x.md')).toEqual([
    { file: 'x.md', line: 3, code: 'const a = 1;' },
    { file: 'x.md', line: 10, code: 'const b: string = "x";' },
    { file: 'x.md', line: 13, code: 'let c' },
  ]);
});

test('a broken snippet fails with file:line and the diagnostic; snippets do not share a scope', () => {
  const bad: Snippet = { file: 'docs/example.md', line: 40, code: "const a = 1;\nconst n: number = 'two';\nundeclaredApp.listen(3000);" };
  const twin: Snippet = { file: 'docs/example.md', line: 50, code: 'const a = 2;\nexport {};' };
  const strict: Snippet = { file: 'docs/example.md', line: 60, code: 'const list: string[] = [];\nconst first: string = list[0];' };
  const result = checkSnippets([bad, twin, strict]);
  expect(result.get(bad)).toEqual([
    "docs/example.md:41: TS2322 Type 'string' is not assignable to type 'number'.",
    "docs/example.md:42: TS2304 Cannot find name 'undeclaredApp'.",
  ]);
  expect(result.get(twin)).toEqual([]);
  expect(result.get(strict)).toEqual([
    "docs/example.md:61: TS2322 Type 'string | undefined' is not assignable to type 'string'.\n  Type 'undefined' is not assignable to type 'string'.",
  ]);
}, 180_000);

test('a library one snippet imports lends its global declarations to no other snippet, though snippets are checked together for speed', () => {
  // express-session adds `session` to Express's Request with `declare global`: only for a program that imports it.
  const withSession: Snippet = {
    file: 'docs/c.md',
    line: 3,
    code: "import session from 'express-session';\nexport const middleware = session({ secret: 's' });",
  };
  const without: Snippet = {
    file: 'docs/c.md',
    line: 10,
    code: "import type { Request } from 'express';\nexport const id = (req: Request): string => req.session.id;",
  };
  const result = checkSnippets([withSession, without]);
  expect(result.get(withSession)).toEqual([]);
  expect(result.get(without)).toEqual([expect.stringMatching(/^docs\/c\.md:11: TS2339 Property 'session' does not exist on type 'Request/)]);
}, 180_000);

test('no document recommends handing a bare Error to the authCallback (ably-js reads it as 401: a banned user retries forever)', () => {
  const offenders = markdownFiles().flatMap((path) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .map((text, i) => ({ where: `${path.slice(ROOT.length + 1)}:${i + 1}`, text }))
      .filter(({ text }) => /callback\(\s*new Error|throw new Error\(\s*['"`]Auth failed|callback\(\s*(error|err|e) as (Ably\.)?ErrorInfo/.test(text)),
  );
  expect(offenders).toEqual([]);
});

test('the root README shows the browser half through @ably-chat-auth/client', () => {
  expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain("authCallback: createAuthCallback('/api/ably-token')");
});

test('a block names its file on its first line; a .d.ts block declares for the other blocks of its Markdown file only', () => {
  const declarations: Snippet = { file: 'docs/a.md', line: 3, code: '// src/app.d.ts\ndeclare global {\n  interface AppUser { id: string }\n}\nexport {};' };
  const user: Snippet = { file: 'docs/a.md', line: 10, code: '// src/routes/api/+server.ts: the route\nexport const id = (user: AppUser): string => user.id;' };
  const elsewhere: Snippet = { file: 'docs/b.md', line: 10, code: 'export const id = (user: AppUser): string => user.id;' };
  expect([declarations, user, elsewhere].map(snippetFile)).toEqual(['src/app.d.ts', 'src/routes/api/+server.ts', undefined]);
  expect(snippetFile({ file: 'x.md', line: 1, code: '// Hono\nconst a = 1;' })).toBeUndefined();
  const result = checkSnippets([declarations, user, elsewhere]);
  expect(result.get(declarations)).toEqual([]);
  expect(result.get(user)).toEqual([]);
  expect(result.get(elsewhere)).toEqual(["docs/b.md:10: TS2304 Cannot find name 'AppUser'."]);
}, 180_000);
