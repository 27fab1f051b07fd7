import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { integrationProject } from './test/integration-project.js';
import { testStacks } from './test/stacks/test-stacks.js';

// Projects that land with the documentation site: included once their config exists, so test:all runs before too.
const docsProjects = ['test/docs/vitest.config.ts', 'test/docs-reference/vitest.config.ts'].filter((path) =>
  existsSync(new URL(`./${path}`, import.meta.url)),
);

// `npm run test:all`, what CI runs (.ci/run), in one Vitest process so one summary counts every test: `npm test`'s
// projects, the integration suite again on each test stack (test/stacks/), the packed consumers, the faults, the
// browser and the docs.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'sample-app/vitest.config.ts',
      'test/vitest.config.ts',
      ...testStacks().map(integrationProject),
      'test/consumers/vitest.config.ts',
      'test/faults/vitest.config.ts',
      'test/browser/vitest.config.ts',
      ...docsProjects,
    ],
  },
});
