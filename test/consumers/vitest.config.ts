import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

// The packages as `npm pack` makes them, installed into fresh applications outside the workspace: slow (npm
// install, builds), so a project of its own that runs once, not once per test stack.
export default defineProject({
  root: here,
  test: {
    name: 'packed consumers',
    dir: here,
    include: ['*.e2e-spec.ts'],
    environment: 'node',
    globalSetup: ['../support/prerequisites/database-servers.global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
