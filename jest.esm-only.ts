import type { Config } from 'jest';

/**
 * Dependencies that ship only ES modules, which Jest (CommonJS) must compile like the sources:
 * core bundles levenshtein-edit-distance into its build, and every suite that loads core's
 * sources loads it too. Used by each Jest config of the repository.
 */
const ESM_ONLY = ['levenshtein-edit-distance'];

/** The transform for those packages' files (ts-jest, allowJs, to CommonJS). */
export const esmOnlyTransform: NonNullable<Config['transform']> = {
  '/node_modules/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' } }],
};

/** `transformIgnorePatterns` that let those packages (and `extra` ones) through. */
export function esmOnlyIgnorePatterns(extra: readonly string[] = []): string[] {
  return [`/node_modules/(?!(\\.pnpm/)?(${[...ESM_ONLY, ...extra].join('|')})[@/])`];
}
