import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig, type UserWorkspaceConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.js';
import { resolveFromStack, type TestStack } from './stacks/test-stacks.js';

/**
 * The integration suite as a Vitest project: on the workspace's own stack (NestJS 12 + TypeORM 1.x) without an
 * argument, on another stack (test/stacks/) with one. Each test file makes databases of its own, so the projects
 * run side by side.
 */
const here = fileURLToPath(new URL('.', import.meta.url));

export function integrationProject(stack?: TestStack): UserWorkspaceConfig {
  return mergeConfig(
    sharedConfig,
    defineProject({
      root: here,
      plugins: stack ? [resolveFromStack(stack)] : [],
      test: {
        dir: here,
        name: stack ? `integration · ${stack.name}` : 'integration',
        include: ['**/*.e2e-spec.ts', '**/*.spec.ts'],
        exclude: ['**/node_modules/**', 'stacks/**', 'consumers/**', 'faults/**', 'browser/**'],
        env: stack ? { WEBHOOK_TEST_STACK: stack.name } : {},
        // Real databases and real HTTP servers: give each test room, but never minutes.
        testTimeout: 30_000,
        hookTimeout: 60_000,
      },
    }),
  );
}
