import { defineConfig } from 'vitest/config';

// One root run over every workspace's own vitest.config.ts, so the totals are one line.
export default defineConfig({
  test: {
    projects: [
      'apps/*/vitest.config.ts',
      'packages/*/vitest.config.ts',
      'tests/vitest.config.ts',
      'workshop/vitest.config.ts',
    ],
  },
});
