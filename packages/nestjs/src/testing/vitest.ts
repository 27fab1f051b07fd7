/**
 * Registers the webhook matchers with Vitest, and their types. Add it to `setupFiles` in the Vitest config:
 * `setupFiles: ['@webhook-outbox/nestjs/testing/vitest']`.
 *
 * @packageDocumentation
 */
import { expect } from 'vitest';
import { type WebhookMatchers, webhookMatchers } from './webhook-matchers.js';

expect.extend(webhookMatchers);

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: T's default must match Vitest's declaration to merge with it.
  interface Matchers<T = any> extends WebhookMatchers<T> {}
}
