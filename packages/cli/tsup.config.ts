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
  esbuildOptions(options) {
    // Core from its sources rather than its flat dist chunk: core declares "sideEffects": false, so
    // per source module the bundler leaves out what the CLI never uses, top-level work included
    // (the token route's prebuilt refusal responses, telemetry), which every start would run.
    options.alias = { ...options.alias, '@ably-chat-auth/core': '../core/src/index.ts' };
    // What core's own build defines; telemetry (which reads it) is left out, but keep it defined.
    options.define = { ...options.define, __CORE_MODULE_FILE__: '__filename' };
  },
});
