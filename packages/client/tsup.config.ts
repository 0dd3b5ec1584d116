import { defineConfig } from 'tsup';

// Browsers first: the library build as ESM + CJS with types (the authCallback, the session and the
// React bindings as separate entries, so each import pulls only its own code), and a minified IIFE
// for a plain <script> tag that defines the global `AblyChatAuth`.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', session: 'src/session/index.ts', react: 'src/react/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2020',
    platform: 'browser',
    tsconfig: 'tsconfig.build.json',
    // Peer dependencies: the app's own copies.
    external: ['ably', '@ably/chat', '@ably/chat/react', 'react'],
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
