import { defineConfig } from 'vitest/config';

// `npm test` runs every project in one Vitest process, so one summary counts every test.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'test/vitest.config.ts', 'test/stacks/*/vitest.config.ts', 'test/consumers/vitest.config.ts'],
  },
});
