import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/**/*.test.ts',
      'test/**/*.test.tsx',
      'engine/**/*.test.ts',
      'labs/**/*.test.ts',
      'tui/**/*.test.tsx',
      'tui/**/*.test.ts',
    ],
    exclude: ['test/soak/**', 'node_modules/**'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
