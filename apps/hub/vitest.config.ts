import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'hub', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'], testTimeout: 20_000 },
});
