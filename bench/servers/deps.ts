/* The frameworks are loaded from the adapter packages' own devDependencies, so the bench measures
 * the very versions (and module instances) the adapters are tested with, and needs no dependency or
 * workspace entry of its own. `typeof import(...)` types come through bench/tsconfig.json's paths. */
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

/** `require` as seen from packages/<name>, where that adapter's framework is installed. */
export function requireFrom(packageDir: string): NodeJS.Require {
  return createRequire(join(REPO_ROOT, 'packages', packageDir, 'package.json'));
}

/** The installed version of a module, as seen from packages/<name> (or the repo root for '.'). */
export function versionOf(packageDir: string, moduleName: string): string {
  const from = packageDir === '.' ? createRequire(join(REPO_ROOT, 'package.json')) : requireFrom(packageDir);
  try {
    return (from(`${moduleName}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export const loadJsonwebtoken = (): typeof import('jsonwebtoken') => requireFrom('core')('jsonwebtoken') as typeof import('jsonwebtoken');
