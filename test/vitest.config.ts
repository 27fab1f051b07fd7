import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.js';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: 'integration',
      include: ['**/*.e2e-spec.ts', '**/*.spec.ts'],
      exclude: ['**/node_modules/**'],
      // Real databases and real HTTP servers: give each test room, but never minutes.
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  }),
);
