// The page's spec files are specs as a reader copies them: importing them here registers their tests in this file,
// with the matchers the page's setup file registers.
import '@webhook-outbox/nestjs/testing/vitest';

const SPECS = ['test/order-webhooks.spec.ts', 'test/order-retries.spec.ts', 'test/webhooks-receiver.spec.ts'];

for (const file of SPECS) await import(/* @vite-ignore */ `docs-page:guide/testing.md/${file}`);
