import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // tfjs keeps one engine per process; files run in separate forks so backends and kernels never collide.
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
