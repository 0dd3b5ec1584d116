import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TOKEN_ROUTE_OPTION_NAMES } from '../../packages/core/src/token-route-options';
import { MODULE_EXTRA_NAMES } from '../../packages/nestjs/src/ably-chat-auth.options';
import { ROOT, markdownFiles } from './snippets';

// Docs that say only what is true: what the code accepts, names and ships, read from the code.

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/**
 * The option names of the first table under `## Options` of a Markdown file: every backticked
 * name in a row's first cell (a row may list several, as NestJS's "see core" row does).
 */
function optionsTableNames(markdown: string): string[] {
  const section = markdown.split(/^## Options\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2); // the header and its separator
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Za-z]+)`/g)].map((match) => match[1]!));
}

/** Each adapter's factory takes core's route options plus what the adapter lists beside them (`adapterOptionNames`). */
const FACTORY_OPTIONS: Record<string, readonly string[]> = {
  'packages/express/README.md': [...TOKEN_ROUTE_OPTION_NAMES, 'path'],
  'packages/koa/README.md': [...TOKEN_ROUTE_OPTION_NAMES, 'path'],
  'packages/fastify/README.md': [...TOKEN_ROUTE_OPTION_NAMES, 'path'],
  'packages/nestjs/README.md': [...TOKEN_ROUTE_OPTION_NAMES, ...MODULE_EXTRA_NAMES],
};

describe.each(Object.entries(FACTORY_OPTIONS))('%s options table', (file, accepted) => {
  const listed = optionsTableNames(read(file));

  test('lists every option the factory accepts', () => {
    expect(accepted.filter((name) => !listed.includes(name))).toEqual([]);
  });

  test('lists no option the factory refuses', () => {
    expect(listed.filter((name) => !accepted.includes(name))).toEqual([]);
  });
});

test('every `responseFormat` row names all three formats', () => {
  const rows = markdownFiles()
    .flatMap((path) =>
      read(relative(ROOT, path))
        .split('\n')
        .map((line) => ({ path: relative(ROOT, path), line })),
    )
    .filter(({ line }) => /^\|[^|]*`responseFormat`[^|]*\|/.test(line) && !/see core/.test(line));
  expect(rows.length).toBeGreaterThan(0);
  const incomplete = rows.filter(({ line }) => !['jwt', 'token-details', 'token-request'].every((format) => line.includes(`'${format}'`)));
  expect(incomplete.map(({ path }) => path)).toEqual([]);
});

test('every ERR_* code named in a Markdown file is one of core\u2019s error codes', () => {
  const codes = new Set([...read('packages/core/src/errors.ts').matchAll(/\|\s*'(ERR_[A-Z0-9_]+)'/g)].map((match) => match[1]!));
  expect(codes.size).toBeGreaterThan(10);
  const unknown = markdownFiles().flatMap((path) =>
    [...readFileSync(path, 'utf8').matchAll(/\bERR_[A-Z0-9_]+/g)]
      .filter((match) => !codes.has(match[0]))
      .map((match) => `${relative(ROOT, path)}: ${match[0]}`),
  );
  expect(unknown).toEqual([]);
});

/** The workspace's packages under packages/, with whether each is published. */
const PACKAGES = readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => JSON.parse(read(`packages/${entry.name}/package.json`)) as { name: string; private?: boolean });

test('docs/releasing.md names every package of the workspace', () => {
  expect(PACKAGES.length).toBeGreaterThan(5);
  const releasing = read('docs/releasing.md');
  expect(PACKAGES.filter(({ name }) => !releasing.includes(`\`${name}\``)).map(({ name }) => name)).toEqual([]);
});

test('the README\u2019s package table names every published package', () => {
  const table =
    read('README.md')
      .split(/^## Packages\s*$/m)[1]
      ?.split(/^## /m)[0] ?? '';
  const published = PACKAGES.filter((pkg) => !pkg.private);
  expect(published.filter(({ name }) => !table.includes(`\`${name}\``)).map(({ name }) => name)).toEqual([]);
});

test('no doc tells users to run pnpm through npx without --yes (it cancels without a terminal)', () => {
  const bare = markdownFiles().filter((path) => /npx pnpm@/.test(readFileSync(path, 'utf8')));
  expect(bare.map((path) => relative(ROOT, path))).toEqual([]);
});

test('the root package.json description names every adapter', () => {
  const { description } = JSON.parse(read('package.json')) as { description: string };
  for (const framework of ['Express', 'Koa', 'Fastify', 'NestJS']) expect(description).toContain(framework);
});

/** Each example's token route, the file its README offers to copy. */
const EXAMPLE_TOKEN_ROUTES: Record<string, string> = {
  express: 'src/token-route.ts',
  koa: 'src/token-route.ts',
  fastify: 'src/token-route.ts',
  hono: 'src/token-route.ts',
  nestjs: 'src/token-route.ts',
  nextjs: 'app/api/ably-token/route.ts',
  workers: 'src/token-route.ts',
};

describe.each(Object.entries(EXAMPLE_TOKEN_ROUTES))('examples/%s token route', (example, file) => {
  const source = read(`examples/${example}/${file}`);

  test('is a file of at most 45 lines', () => {
    expect(source.trimEnd().split('\n').length).toBeLessThanOrEqual(45);
  });

  test('stands alone: of the shared demo kit it takes only the policy, claims, clientId and config', () => {
    const shared = [...source.matchAll(/import \{([^}]*)\} from '@ably-chat-auth-examples\/shared'/g)].flatMap((match) =>
      match[1]!.split(',').map((name) => name.trim().replace(/^type /, '')),
    );
    const allowed = ['DEMO_ROUTES', 'demoPolicy', 'demoUserClaims', 'demoClientId', 'demoRedisKeys', 'DemoConfig', 'DemoUser'];
    expect(shared.filter((name) => name && !allowed.includes(name))).toEqual([]);
  });

  test("is linked from the example's README", () => {
    expect(read(`examples/${example}/README.md`)).toContain(`](${file})`);
  });
});
