const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

// Type-aware rules (typescript-eslint's recommendedTypeChecked) read one TypeScript program over the sources
// and the tests, built from tsconfig.eslint.json (the package tsconfigs leave the tests out). Issue #17.
//
// Still excluded from the type-aware rules, to be fixed and removed from this list next:
//   services/versions/**   150 findings on 2026-12-06: 6 in src, 144 in test (mostly pg rows and
//                          JSON bodies read as any); the ingest is being changed under #16.
const notYetTypeChecked = ['services/versions/**'];

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
