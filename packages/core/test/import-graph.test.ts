/* No package's sources import in a cycle (madge reads the imports, type-only ones included, as
 * TypeScript resolves them through the workspace's tsconfig, `.js` endings and paths alike): a cycle
 * makes the load order decide what a module sees, and was how telemetry and the route's options
 * once knew each other. A fixture with a known cycle proves the check sees one. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import madge from 'madge';

const repo = join(__dirname, '..', '..', '..');
const tsConfig = join(repo, 'tsconfig.json');
const packages = readdirSync(join(repo, 'packages'));

async function cyclesIn(dirs: string[]): Promise<{ files: string[]; cycles: string[][] }> {
  const graph = await madge(dirs, { fileExtensions: ['ts'], tsConfig, baseDir: repo, excludeRegExp: [/\.test\.ts$/] });
  return { files: Object.keys(graph.obj()), cycles: graph.circular() };
}

// One graph of every package's sources (each file is read once, however many packages import it).
test("no package's sources import in a cycle", async () => {
  const { files, cycles } = await cyclesIn(packages.map((name) => join(repo, 'packages', name, 'src')));
  for (const name of packages) expect(files.filter((file) => file.startsWith(`packages/${name}/src/`)).length).toBeGreaterThan(1);
  expect(cycles).toEqual([]);
});

test('a cycle through NodeNext `.js` imports is found', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-cycle-'));
  try {
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = () => b;\n");
    writeFileSync(join(dir, 'b.ts'), "import type { a } from './a.js';\nexport const b = 1 as unknown as typeof a;\n");
    expect((await cyclesIn([dir])).cycles.map((cycle) => cycle.map((file) => file.split('/').pop()))).toEqual([['a.ts', 'b.ts']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
