import { defineConfig } from 'tsup';

// A bin-only package: one CommonJS file, no types. The shebang comes from src/cli.ts.
// @ably-chat-auth/core and commander stay external (they are dependencies).
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['cjs'],
  dts: false,
  clean: true,
  sourcemap: false,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
});
