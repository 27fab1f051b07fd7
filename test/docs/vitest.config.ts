import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

// The documentation's code: every TypeScript block type-checked in one compiler program (seconds), and the Getting
// started page built as a fresh application from its own blocks with the packed packages (minutes: npm install).
export default defineProject({
  root: here,
  test: {
    name: 'docs',
    dir: here,
    include: ['*.spec.ts', '*.e2e-spec.ts'],
    environment: 'node',
    // The Getting started test makes a PostgreSQL database: stop with the command that starts the server if it is down.
    globalSetup: ['../support/prerequisites/database-servers.global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 900_000,
  },
});
