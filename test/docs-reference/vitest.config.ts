import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

const here = fileURLToPath(new URL('.', import.meta.url));

// The reference pages of the documentation site against the code they describe: no database, no server, a few
// seconds, so a project of its own that any change to an option or a route can run.
export default mergeConfig(
  sharedConfig,
  defineProject({
    root: here,
    test: { name: 'docs-reference', dir: here, include: ['*.spec.ts'], testTimeout: 30_000 },
  }),
);
