import { defineConfig } from 'vitest/config';
import { integrationProject } from './test/integration-project.js';
import { testStacks } from './test/stacks/test-stacks.js';

// `npm test` runs every project in one Vitest process, so one summary counts every test: the unit specs, the
// integration suite on the workspace's stack and again on each test stack (test/stacks/), and the packed consumers.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'test/vitest.config.ts',
      ...testStacks().map(integrationProject),
      'test/consumers/vitest.config.ts',
      'test/faults/vitest.config.ts',
      'test/browser/vitest.config.ts',
    ],
  },
});
