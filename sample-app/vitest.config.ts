import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.js';

// The sample app's own tests, as a user's app writes them: the webhook matchers registered by the package's setup file.
export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: 'sample-app',
      include: ['src/**/*.spec.ts'],
      setupFiles: ['./vitest.setup.ts'],
    },
  }),
);
