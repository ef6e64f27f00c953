import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Integration tests share one database per run; files run in parallel on fresh ids.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
