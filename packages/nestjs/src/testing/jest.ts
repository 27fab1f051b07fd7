/**
 * Registers the webhook matchers with Jest, and their types (`@types/jest`). Add it to the Jest configuration:
 * `"setupFilesAfterEnv": ["@webhook-outbox/nestjs/testing/jest"]`.
 *
 * @packageDocumentation
 */
import { webhookMatchers, type WebhookMatchers } from './webhook-matchers.js';

declare global {
  // Jest's matcher types live in its global `jest` namespace; R and T must match @types/jest's to merge with it.
  namespace jest {
    interface Matchers<R, T = {}> extends WebhookMatchers<R> {}
  }
}

const jestExpect = (globalThis as { expect?: { extend(matchers: object): void } }).expect;
if (typeof jestExpect?.extend !== 'function')
  throw new Error(
    '@webhook-outbox/nestjs/testing/jest registers matchers on Jest\'s global expect: load it from "setupFilesAfterEnv".',
  );
jestExpect.extend(webhookMatchers);
