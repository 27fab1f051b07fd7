import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { testStack } from '../../stacks/test-stacks.js';
import { MissingPrerequisiteError } from './missing-prerequisite.error.js';

/**
 * An integration project on a test stack (test/stacks/<name>) needs that stack's own node_modules: without them
 * every import would quietly fall back to the workspace's packages, or fail deep inside a spec. The stack's name
 * comes from the project's WEBHOOK_TEST_STACK (integration-project.ts sets it).
 */
export default function checkTestStack(project: TestProject): void {
  const name = project.config.env?.WEBHOOK_TEST_STACK;
  if (!name) return;
  const stack = testStack(name);
  const missing = stack.packages.filter((pkg) => !existsSync(`${stack.dir}node_modules/${pkg}/package.json`));
  if (missing.length === 0) return;
  const state = missing.length === stack.packages.length ? 'has none of its packages' : `lacks ${missing.join(', ')}`;
  throw new MissingPrerequisiteError(
    `The test stack ${name} is not installed: test/stacks/${name}/node_modules ${state}.`,
    'Install the test stacks:  npm run test:stacks   (npm run test:all does it first)',
  );
}
