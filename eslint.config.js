const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

// Type-aware rules (typescript-eslint's recommendedTypeChecked) read one TypeScript program over the sources
// and the tests, built from tsconfig.eslint.json (the package tsconfigs leave the tests out). Issue #17.
//
// Still excluded from the type-aware rules: code being changed by other work, to be fixed and removed
// from this list next (findings counted when the rules were turned on, 2026-12-06):
//   services/versions/**          9 in src, 144 in tests
//   services/collector/src/**     11 in src, 3 in the tests beside it
//   services/aggregator/src/**    2
//   runtime/src/**                1 in src, 10 in worker-lifecycle.test.ts
//   shared/src/payload/**         0
//   services/worker/src/app.ts    0
const notYetTypeChecked = [
  'services/versions/**',
  'services/collector/src/**',
  'services/aggregator/src/**',
  'runtime/src/**',
  'shared/src/payload/**',
  'services/worker/src/app.ts',
];

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', 'coverage/**', '.servping/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: __dirname },
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // Plain JavaScript (knex migrations, bench scripts, this file) is not in the TypeScript program.
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  { files: notYetTypeChecked, ...tseslint.configs.disableTypeChecked },
);
