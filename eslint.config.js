// Lint: typescript-eslint's recommended rules over src, test and
// scripts; formatting is prettier's (npm run format), not the linter's.
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tap/**', 'bench/tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a value deliberately left unused (destructuring to drop a field).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Small one-concern files and functions (README, "Layout").
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
)
