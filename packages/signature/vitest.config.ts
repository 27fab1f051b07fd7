import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

export default mergeConfig(
  sharedConfig,
  defineProject({ test: { name: '@webhook-outbox/signature', include: ['src/**/*.spec.ts'] } }),
);
