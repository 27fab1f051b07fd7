import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

const here = fileURLToPath(new URL('.', import.meta.url));

// Faults on purpose: databases of the tests' own stopped and restarted, relay processes killed. Slow by nature
// (seconds of outage each), so a project of its own that runs once, on the workspace's stack.
export default mergeConfig(
  sharedConfig,
  defineProject({
    root: here,
    test: {
      name: 'faults',
      dir: here,
      include: ['*.e2e-spec.ts'],
      globalSetup: ['../support/prerequisites/database-servers.global-setup.ts'],
      testTimeout: 120_000,
      hookTimeout: 60_000,
    },
  }),
);
