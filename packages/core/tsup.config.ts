import { defineConfig, type Options } from 'tsup';
import { libraryBuild } from '../../tsup.base';

// shims: the ESM build gets `__filename` (from import.meta.url), from which telemetry.ts resolves the optional @opentelemetry/api.
export default defineConfig({ ...(libraryBuild(['src/index.ts', 'src/adapter.ts', 'src/fetch.ts']) as Options), shims: true });
