/* Builds the Worker into dist/ (dist/worker.js and the assets in dist/assets/): what wrangler.jsonc's build command runs before `wrangler deploy`. */
import { join } from 'node:path';
import { buildWorker } from './local.js';

const outDir = join(__dirname, '..', 'dist');
void buildWorker(outDir).then(
  ({ script }) => console.log(`Built the Worker into ${outDir} (worker.js: ${(script.length / 1024).toFixed(0)} kB, and assets/).`),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
