// One lint stack for the workspace: typescript-eslint's type-checked rules on every TypeScript
// file (through the TypeScript project service, so each file is checked with its own tsconfig),
// ESLint's recommended rules on the JavaScript, and Prettier owning the formatting.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // test-consumer/fixtures are compiled inside a fresh project against the packed packages.
    ignores: ['**/node_modules/**', '**/dist/**', 'examples/nextjs/.next/**', 'test-output/**', 'bench/results/**', 'test-consumer/fixtures/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a parameter a callback signature requires but this code does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The bench's run-time tsconfig resolves frameworks at run time only; its type-check config sees them.
    files: ['bench/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './bench/tsconfig.typecheck.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['examples/shared/public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        AblyChatSession: 'readonly',
        URLSearchParams: 'readonly',
        HTMLElement: 'readonly',
        Intl: 'readonly',
        Date: 'readonly',
        atob: 'readonly',
        TextDecoder: 'readonly',
        location: 'readonly',
      },
    },
  },
  {
    // The runtime matrix's apps run on Deno, Bun, workerd and in a browser page.
    files: ['runtimes/apps/**/*.mjs'],
    languageOptions: { globals: { Deno: 'readonly', Bun: 'readonly', location: 'readonly', URLSearchParams: 'readonly' } },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        window: 'readonly',
        document: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        Headers: 'readonly',
        Request: 'readonly',
        Response: 'readonly',
        TextEncoder: 'readonly',
      },
    },
  },
  prettier,
);
