import { describe, expect, it } from 'vitest';

// Each example of the Testing page is a test of its own (node:assert inside): importing it runs it as a reader would.
const EXAMPLES = ['test/stripe-webhooks.e2e-spec.ts', 'test/retries.e2e-spec.ts', 'test/order-webhooks.e2e-spec.ts'];

describe('docs/guide/testing.md', () => {
  it.each(EXAMPLES)('runs %s as written and its assertions hold', async (file) => {
    await expect(import(/* @vite-ignore */ `docs-page:guide/testing.md/${file}`)).resolves.toBeDefined();
  });
});
