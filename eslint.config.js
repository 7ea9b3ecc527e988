// Lint rules that catch real bugs, not style: floating promises, exhaustive switches,
// type-only imports, and core's promise to stay free of I/O.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', 'bench/results/**', 'coverage/**', 'packages/web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
      // Fastify handlers and hooks are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // core is pure: no I/O, no database, no HTTP.
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:fs*', 'node:net', 'node:http*', 'node:child_process', 'fs', 'pg', 'kysely', 'fastify', '@electric-sql/*', '@safekeep/server'], message: 'core is pure: no I/O, database or HTTP.' },
        ],
      }],
    },
  },
  {
    // The web interface runs in the browser: React's rules of hooks, browser globals, no Node.
    files: ['packages/web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['packages/web/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'pg', 'kysely', 'fastify', '@safekeep/server'], message: 'The web interface runs in the browser and talks to the server only through the API.' },
          // Only types from core: its runtime (hashing, Temporal) does not belong in the bundle.
          { group: ['@safekeep/core'], allowTypeImports: true, message: 'Import only types from @safekeep/core (import type).' },
        ],
      }],
    },
  },
  {
    files: ['packages/server/src/cli/**/*.ts', 'bench/**/*.ts', 'e2e/**/*.ts', 'packages/server/bin/**/*.js'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
