import { defineConfig } from 'tsup';

// Browsers first: the library build as ESM + CJS with types, and a minified IIFE for a plain
// <script> tag that defines the global `AblyChatAuth`.
export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2020',
    platform: 'browser',
    tsconfig: 'tsconfig.build.json',
  },
  {
    entry: { 'ably-chat-auth': 'src/global.ts' },
    format: ['iife'],
    minify: true,
    sourcemap: true,
    target: 'es2020',
    platform: 'browser',
    tsconfig: 'tsconfig.build.json',
  },
]);
