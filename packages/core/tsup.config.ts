import { defineConfig, type Options } from 'tsup';
import { libraryBuild } from '../../tsup.base';

export default defineConfig({
  ...(libraryBuild(['src/index.ts', 'src/adapter.ts', 'src/fetch.ts']) as Options),
  // One copy of core in both formats: the CommonJS entries share chunks as the ESM ones do, so a
  // compiled capability or an error class from the root is the adapter entry's own.
  splitting: true,
  treeshake: true,
  // No ESM shims (they call node:url at load, which Workers and the edge refuse). telemetry.ts
  // learns its own file from this define instead, for resolving @opentelemetry/api.
  shims: false,
  // Runtime-neutral output: Workers, Deno, Bun, the edge and browsers load the same files.
  platform: 'neutral',
  // Bundled, not a dependency: levenshtein-edit-distance ships only ESM, which the CommonJS build
  // could not require on Node 20 before 20.19. Its licence ships as THIRD_PARTY_LICENSES.md (a
  // test keeps that the installed copy's). Its 40 lines replaced fastest-levenshtein, whose
  // 256 KiB table, allocated at load, and size took the edge bundle past its 18 kB.
  noExternal: ['levenshtein-edit-distance'],
  esbuildOptions(options, context) {
    options.define = { ...options.define, __CORE_MODULE_FILE__: context.format === 'esm' ? 'import.meta.url' : '__filename' };
    // platform 'neutral' resolves no package `main` fields by default; core's dependencies are external anyway.
    options.mainFields = ['module', 'main'];
  },
});
