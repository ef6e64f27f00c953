// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'drizzle/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', URL: 'readonly', Buffer: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain is platform-neutral and IO-free: no SDKs, no platform adapters, no web framework.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/platforms/**', '**/platforms'], message: 'src/domain must not import platform adapters' },
            { group: ['@larksuiteoapi/*', '@wecom/*', 'fastify', 'fastify/*'], message: 'src/domain must not import platform SDKs or the web framework' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'read configuration in src/config.ts and pass it in' }],
    },
  },
);
