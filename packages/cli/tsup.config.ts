import { defineConfig } from 'tsup';

// A bin-only package: one self-contained, minified CommonJS file, no types. The shebang comes from
// src/cli.ts. Core is bundled in (so it is a devDependency): a process that resolves and compiles
// two packages' module graphs at every start spends ~50 ms more than one that reads a single file,
// and the CLI is started once per command (the inspect bench measures it).
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['cjs'],
  dts: false,
  clean: true,
  sourcemap: false,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  noExternal: [/.*/],
  minify: true,
});
