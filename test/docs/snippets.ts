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

// Parsed library and workspace files, shared by every call in a test file (none changes during a run).
const sourceCache = new Map<string, ts.SourceFile | undefined>();

/**
 * Whether a file can change what other files of a program see only through an import of it: a
 * module with no `declare global`, no `declare module '...'` augmentation and no `export as
 * namespace` (a UMD global). A script (a lib file, a global .d.ts) declares globals, so it is not.
 * What a file references with `///` is in the program as a file of its own, judged on its own.
 */
function isInert(file: ts.SourceFile): boolean {
  if (file.fileName.endsWith('.json')) return true;
  if (!ts.isExternalModule(file)) return false;
  return !file.statements.some(
    (statement) =>
      ts.isNamespaceExportDeclaration(statement) ||
      (ts.isModuleDeclaration(statement) && (ts.isStringLiteral(statement.name) || (statement.flags & ts.NodeFlags.GlobalAugmentation) !== 0)),
  );
}

/** A file's path as the program keys it (`SourceFile#path` is internal; on Linux it is the normalized file name). */
const pathOf = (file: ts.SourceFile): string => (file as ts.SourceFile & { path?: string }).path ?? file.fileName;

// TypeScript's internal FileIncludeKind values for the files every program has: the lib files and `types`.
const LIB_FILE = 6;
const AUTOMATIC_TYPE_DIRECTIVE_FILE = 8;

interface IncludeReason {
  kind: number;
  /** The including file's path, for an import or a reference. */
  file?: string;
}

/**
 * The files of `program` that `roots` see when checked in a program of their own: the roots, the
 * lib files, the automatic type packages (`types`), and what they import or reference, transitively.
 * Built from the program's file include reasons (an internal API of TypeScript 5.x, the version
 * pinned here); undefined when the running TypeScript has no such API.
 */
function closureOf(program: ts.Program, roots: readonly string[]): Set<string> | undefined {
  const reasonsOf = (program as ts.Program & { getFileIncludeReasons?: () => { get(path: string): IncludeReason[] | undefined } }).getFileIncludeReasons;
  if (!reasonsOf) return undefined;
  const reasons = reasonsOf();
  const included = new Map<string, string[]>(); // including file -> included files
  const seen = new Set<string>();
  const queue: string[] = [...roots];
  for (const file of program.getSourceFiles()) {
    const path = pathOf(file);
    for (const reason of reasons.get(path) ?? []) {
      if (reason.kind === LIB_FILE || reason.kind === AUTOMATIC_TYPE_DIRECTIVE_FILE) queue.push(path);
      else if (reason.file !== undefined) included.set(reason.file, [...(included.get(reason.file) ?? []), path]);
    }
  }
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    queue.push(...(included.get(path) ?? []));
  }
  return seen;
}

/**
 * Type-checks each snippet as its own module, as if in a program of its own (so one snippet's
 * `declare module` augmentation, or a library's that only another snippet imports, cannot leak into
 * another), as a virtual file beside its Markdown file so imports resolve as they would there. A
 * framework a snippet imports is looked up in the snippet's own directory first, then in every
 * workspace package that installs it (pnpm keeps them there). Parsed library files are shared.
 *
 * For speed (a program and its type checker per snippet cost most of this test's time), the snippets
 * of one Markdown file are first checked together in one program, which gives each snippet exactly
 * its own program's answer when every file that it would not see on its own is inert (see `isInert`):
 * such a file adds nothing a snippet can reach without importing it. A snippet for which that does
 * not hold, or that augments or references anything itself, is checked again in a program of its own.
 */
export function checkSnippets(snippets: readonly Snippet[]): Map<Snippet, SnippetProblem[]> {
  const host = ts.createCompilerHost(SNIPPET_COMPILER_OPTIONS, true);
  const getSourceFile = host.getSourceFile.bind(host);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  // The virtual files of the program being checked: its snippets, and their Markdown files' declaration snippets.
  let virtual = new Map<string, Snippet>();
  host.readFile = (path) => virtual.get(path)?.code ?? readFile(path);
  host.fileExists = (path) => virtual.has(path) || fileExists(path);
  const parse = (path: string, snippet: Snippet) =>
    ts.createSourceFile(path, snippet.code, ts.ScriptTarget.ES2022, true, snippet.jsx ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
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
  // The program reads every file's package.json scope through this cache too, rather than anew per program.
  host.getModuleResolutionCache = () => cache;
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
  const paths = snippets.map(virtualPath);
  const declarationsOf = (file: string) => snippets.flatMap((other, j) => (other.file === file && isDeclarationSnippet(other) ? [paths[j]!] : []));
  const problems = new Map<Snippet, SnippetProblem[]>();
  let previous: ts.Program | undefined;
  /** Checks `members` (indexes into `snippets`) in one program with their Markdown file's declaration snippets; keeps the answers `accept` allows. */
  const check = (members: readonly number[], accept: (program: ts.Program, path: string) => boolean) => {
    const declarations = declarationsOf(snippets[members[0]!]!.file).filter((path) => !members.some((i) => paths[i] === path));
    const roots = [...members.map((i) => paths[i]!), ...declarations];
    virtual = new Map(roots.map((path) => [path, snippets[paths.indexOf(path)]!] as const));
    const program = ts.createProgram(roots, SNIPPET_COMPILER_OPTIONS, host, previous);
    previous = program;
    for (const i of members) {
      const snippet = snippets[i]!;
      if (!accept(program, paths[i]!)) continue;
      const source = program.getSourceFile(paths[i]!)!;
      problems.set(
        snippet,
        [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((diagnostic) => {
          const line = diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start).line;
          return `${snippet.file}:${snippet.line + line}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
        }),
      );
    }
  };
  // Snippets that augment nothing themselves (and declaration snippets, which are in every program of
  // their Markdown file anyway) are grouped by the files that are not inert among those they see:
  // a group's program then has no non-inert file that one of its snippets would not see alone.
  const declarationFiles = new Set(snippets.filter(isDeclarationSnippet).map((snippet) => snippet.file));
  const ownRoots = (i: number) => [paths[i]!, ...declarationsOf(snippets[i]!.file)];
  const candidates = snippets.flatMap((snippet, i) => (isDeclarationSnippet(snippet) || isInert(parse(paths[i]!, snippet)) ? [i] : []));
  virtual = new Map(candidates.map((i) => [paths[i]!, snippets[i]!] as const));
  const everything = candidates.length > 1 ? ts.createProgram([...virtual.keys()], SNIPPET_COMPILER_OPTIONS, host) : undefined;
  const groups = new Map<string, number[]>();
  for (const i of everything ? candidates : []) {
    const own = closureOf(everything!, ownRoots(i));
    if (!own) break; // no include reasons in this TypeScript: every snippet in a program of its own
    const notInert = everything!.getSourceFiles().filter((file) => own.has(pathOf(file)) && !virtual.has(file.fileName) && !isInert(file));
    const key = [declarationFiles.has(snippets[i]!.file) ? snippets[i]!.file : '', ...notInert.map(pathOf).sort()].join('\n');
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    check(members, (program, path) => {
      const own = closureOf(program, ownRoots(paths.indexOf(path)));
      return own !== undefined && program.getSourceFiles().every((file) => own.has(pathOf(file)) || isInert(file));
    });
  }
  snippets.forEach((snippet, i) => {
    if (!problems.has(snippet)) check([i], () => true);
  });
  virtual = new Map();
  return problems;
}
