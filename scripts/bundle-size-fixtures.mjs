// Bundles the size fixtures that size-limit measures as files (see "size-limit" in package.json):
// a Fetch-route app for the browser platform, minified, as Workers, the edge and browsers get it.
// esbuild does the bundling (a dependency of tsup already); size-limit then gzips and counts.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'packages/core/dist/fetch.mjs'))) {
  console.error('packages/core/dist is missing: run `npx --yes pnpm@10 build` first.');
  process.exit(1);
}
await build({
  entryPoints: [join(root, 'packages/core/size/fetch-app.ts')],
  outfile: join(root, 'packages/core/size/dist/fetch-app.js'),
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'warning',
  // The fixture imports core by its package name, as an app does; here that is core's build.
  plugins: [
    {
      name: 'core-build',
      setup(bundle) {
        bundle.onResolve({ filter: /^@ably-chat-auth\/core\/fetch$/ }, () => ({ path: join(root, 'packages/core/dist/fetch.mjs') }));
      },
    },
  ],
});
