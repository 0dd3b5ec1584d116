import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One ```ts block of a Markdown file. */
export interface Snippet {
  /** Markdown file, relative to the repository root, with `/` separators. */
  file: string;
  /** 1-based line of the block's first code line in the Markdown file. */
  line: number;
  code: string;
  /** A ```tsx block: checked as TSX (React's automatic JSX runtime). */
  jsx?: boolean;
}

/** A compiler diagnostic, placed in the Markdown file: `README.md:23: TS2304 Cannot find name 'app'.` */
export type SnippetProblem = string;

export const ROOT = join(__dirname, '..', '..');
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'test-output', 'coverage']);
const TS_LANGS = new Set(['ts', 'typescript', 'mts', 'cts', 'tsx']);

/** Every Markdown file of the repository (outside node_modules, builds and dot-directories). */
export function markdownFiles(dir = ROOT): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...markdownFiles(path));
    else if (entry.name.endsWith('.md')) found.push(path);
  }
  return found.sort();
}

/** The TypeScript blocks of one Markdown text: fences of three or more backticks or tildes, info string `ts`/`typescript`. */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split(/\r?\n/);
  let open: { fence: string; indent: number; lang: string; start: number; body: string[] } | undefined;
  lines.forEach((text, index) => {
    if (!open) {
      const start = /^( {0,3})(`{3,}|~{3,})\s*([\w+-]*)/.exec(text);
      if (start) open = { fence: start[2]!, indent: start[1]!.length, lang: start[3]!.toLowerCase(), start: index + 2, body: [] };
      return;
    }
    if (new RegExp(`^ {0,3}${open.fence[0] === '`' ? '`' : '~'}{${open.fence.length},}\\s*$`).test(text)) {
      if (TS_LANGS.has(open.lang)) snippets.push({ file, line: open.start, code: open.body.join('\n'), ...(open.lang === 'tsx' ? { jsx: true } : {}) });
      open = undefined;
      return;
    }
    open.body.push(text.slice(Math.min(open.indent, text.length - text.trimStart().length)));
  });
  return snippets;
}

/**
 * The file a snippet says it is, from a first line such as `// src/routes/api/ably-token/+server.ts`
 * (a path with a directory or an extension, then optionally a comment): what the framework recipes'
 * test writes the block to. Undefined when the first line names no file.
 */
export function snippetFile(snippet: Snippet): string | undefined {
  return /^\/\/ ((?:[\w.$@+[\]-]+\/)*[\w.$@+[\]-]+\.[cm]?tsx?)(?:[\s:]|$)/.exec(snippet.code.split('\n', 1)[0] ?? '')?.[1];
}

/** A snippet that is a declaration file (`// src/app.d.ts`): its declarations apply to every other snippet of its Markdown file. */
function isDeclarationSnippet(snippet: Snippet): boolean {
  return snippetFile(snippet)?.endsWith('.d.ts') ?? false;
}

/** Every TypeScript snippet of every Markdown file. */
export function allSnippets(): Snippet[] {
  return markdownFiles().flatMap((path) => extractSnippets(readFileSync(path, 'utf8'), relative(ROOT, path).split('\\').join('/')));
}

// The workspace packages, resolved to their sources as the tests do, so docs track the code
// without a build.
const WORKSPACE_PATHS: Record<string, string[]> = {
  '@ably-chat-auth/core': ['packages/core/src/index.ts'],
  '@ably-chat-auth/core/fetch': ['packages/core/src/fetch.ts'],
  '@ably-chat-auth/core/adapter': ['packages/core/src/adapter.ts'],
  '@ably-chat-auth/express': ['packages/express/src/index.ts'],
  '@ably-chat-auth/koa': ['packages/koa/src/index.ts'],
  '@ably-chat-auth/fastify': ['packages/fastify/src/index.ts'],
  '@ably-chat-auth/nestjs': ['packages/nestjs/src/index.ts'],
  '@ably-chat-auth/client': ['packages/client/src/index.ts'],
  '@ably-chat-auth/client/session': ['packages/client/src/session/index.ts'],
  '@ably-chat-auth/client/react': ['packages/client/src/react/index.ts'],
  '@ably-chat-auth/ably-stand-in': ['packages/ably-stand-in/src/index.ts'],
  '@ably-chat-auth/cli': ['packages/cli/src/index.ts'],
  '@ably-chat-auth/adapter-contract': ['packages/adapter-contract/src/index.ts'],
  '@ably-chat-auth/adapter-contract/testing': ['packages/adapter-contract/src/testing.ts'],
};

/** The options every snippet is checked with: the repository's own strictness, as an ES module. */
export const SNIPPET_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  module: ts.ModuleKind.ESNext,
  jsx: ts.JsxEmit.ReactJSX,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  noEmit: true,
  types: ['node'],
  typeRoots: [join(ROOT, 'node_modules', '@types')],
  baseUrl: ROOT,
  paths: WORKSPACE_PATHS,
};

/**
 * Type-checks each snippet as its own module, in a program of its own (so one snippet's
 * `declare module` augmentation cannot leak into another), as a virtual file beside its Markdown
 * file so imports resolve as they would there. A framework a snippet imports is looked up in the
 * snippet's own directory first, then in every workspace package that installs it (pnpm keeps
 * them there). Parsed library files are shared between the programs.
 */
export function checkSnippets(snippets: readonly Snippet[]): Map<Snippet, SnippetProblem[]> {
  const host = ts.createCompilerHost(SNIPPET_COMPILER_OPTIONS, true);
  const sourceCache = new Map<string, ts.SourceFile | undefined>();
  const getSourceFile = host.getSourceFile.bind(host);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  let current: { path: string; snippet: Snippet } | undefined;
  // The virtual files of the program being checked: the snippet, and its Markdown file's declaration snippets.
  let virtual = new Map<string, Snippet>();
  host.readFile = (path) => virtual.get(path)?.code ?? readFile(path);
  host.fileExists = (path) => virtual.has(path) || fileExists(path);
  host.getSourceFile = (path, language, onError, create) => {
    const snippet = virtual.get(path);
    if (snippet) return ts.createSourceFile(path, snippet.code, language, true, snippet.jsx ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    if (!sourceCache.has(path)) sourceCache.set(path, getSourceFile(path, language, onError, create));
    return sourceCache.get(path);
  };
  const fallbackDirs = [
    ...['packages', 'examples'].flatMap((dir) => readdirSync(join(ROOT, dir)).map((name) => join(ROOT, dir, name, 'index.ts'))),
    // The framework recipes of docs/frameworks.md: SvelteKit, Nuxt, Astro... are installed there.
    join(ROOT, 'frameworks', 'index.ts'),
  ];
  const virtualPath = (snippet: Snippet, i: number) =>
    join(ROOT, `${snippet.file}.snippet-${i}-L${snippet.line}.${isDeclarationSnippet(snippet) ? 'd.ts' : snippet.jsx ? 'tsx' : 'ts'}`);
  const cache = ts.createModuleResolutionCache(ROOT, (name) => name, SNIPPET_COMPILER_OPTIONS);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, options) =>
    literals.map((literal) => {
      const resolved = ts.resolveModuleName(literal.text, containingFile, options, host, cache, redirected);
      if (resolved.resolvedModule || !virtual.has(containingFile)) return resolved;
      for (const from of fallbackDirs) {
        const retry = ts.resolveModuleName(literal.text, from, options, host, cache, redirected);
        if (retry.resolvedModule) return retry;
      }
      return resolved;
    });
  const problems = new Map<Snippet, SnippetProblem[]>();
  let previous: ts.Program | undefined;
  snippets.forEach((snippet, i) => {
    current = { path: virtualPath(snippet, i), snippet };
    const declarations = snippets
      .map((other, j) => [other, virtualPath(other, j)] as const)
      .filter(([other]) => other !== snippet && other.file === snippet.file && isDeclarationSnippet(other));
    virtual = new Map([[current.path, snippet], ...declarations.map(([other, path]) => [path, other] as const)]);
    const program = ts.createProgram([current.path, ...declarations.map(([, path]) => path)], SNIPPET_COMPILER_OPTIONS, host, previous);
    previous = program;
    const source = program.getSourceFile(current.path)!;
    problems.set(
      snippet,
      [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((diagnostic) => {
        const line = diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start).line;
        return `${snippet.file}:${snippet.line + line}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      }),
    );
  });
  current = undefined;
  virtual = new Map();
  return problems;
}
