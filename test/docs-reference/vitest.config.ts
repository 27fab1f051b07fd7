import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';
import { docsPageFiles } from './docs-page-files.plugin.js';

const here = fileURLToPath(new URL('.', import.meta.url));

// The documentation site's pages against the code they describe: the reference pages' tables against the options
// interfaces and the admin routes, the Testing page's examples run as written (SQLite in memory, servers on
// 127.0.0.1). A few seconds, so a project of its own that any change to an option, a route or the examples can run.
export default mergeConfig(
  sharedConfig,
  defineProject({
    root: here,
    plugins: [docsPageFiles()],
    test: { name: 'docs-reference', dir: here, include: ['*.spec.ts'], testTimeout: 30_000 },
  }),
);
