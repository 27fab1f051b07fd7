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
        // Folders with a project of their own (test:all runs them once, on this stack).
        exclude: [
          '**/node_modules/**',
          'stacks/**',
          'consumers/**',
          'faults/**',
          'browser/**',
          'docs/**',
          'docs-reference/**',
        ],
        env: stack ? { WEBHOOK_TEST_STACK: stack.name } : {},
        // Stop before the first test, with the command that fixes it, when a database server or the stack is missing.
        globalSetup: [
          './support/prerequisites/database-servers.global-setup.ts',
          ...(stack ? ['./support/prerequisites/test-stack.global-setup.ts'] : []),
        ],
        // Files mostly wait on databases, HTTP and timers, so several run at once even on two cores (Vitest's
        // default is one fewer worker than cores: one, here). Four let the latency specs fail on a loaded machine;
        // three held. Another maxWorkers than the unit projects' needs a group of its own, after theirs.
        maxWorkers: Number(process.env.WEBHOOK_TEST_WORKERS ?? 3),
        sequence: { groupOrder: 1 },
        // Real databases and real HTTP servers: give each test room, but never minutes.
        testTimeout: 30_000,
        hookTimeout: 60_000,
      },
    }),
  );
}
