import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

const here = fileURLToPath(new URL('.', import.meta.url));

// The dashboard in a real browser (headless Chromium from Debian's packages), against the sample app on a real
// database: once, on the workspace's stack, a project of its own.
export default mergeConfig(
  sharedConfig,
  defineProject({
    root: here,
    test: {
      name: 'browser',
      dir: here,
      include: ['*.e2e-spec.ts'],
      globalSetup: ['../support/prerequisites/chromium.global-setup.ts'],
      testTimeout: 60_000,
      hookTimeout: 90_000,
    },
  }),
);
