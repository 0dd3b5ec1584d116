import { defineConfig } from 'tsup';

/** The build every publishable library package shares: dual ESM/CJS with types, for Node 20+. */
export function libraryBuild(entry: string[] = ['src/index.ts']) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
  });
}
