import { defineConfig } from 'vitest/config';

// `npm test`, the contributor's loop: the packages' unit specs and the integration suite on the workspace's own
// stack, on SQLite, PostgreSQL and MariaDB, and the docs' code blocks type-checked (seconds). Everything else CI runs (the other stacks, packed consumers, faults,
// the browser, the docs) is vitest.all.config.ts, `npm run test:all`.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'sample-app/vitest.config.ts',
      'test/vitest.config.ts',
      'test/docs/vitest.snippets.config.ts',
    ],
  },
});
