import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

// The snippet check and its helpers' specs alone (seconds, no database, no network), for `npm test`; vitest.config.ts runs it with the
// fresh-application test in `npm run test:all`.
export default defineProject({
  root: here,
  test: {
    name: 'docs snippets',
    dir: here,
    include: ['*.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
