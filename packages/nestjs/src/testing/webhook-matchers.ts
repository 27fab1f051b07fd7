import type { SentWebhook } from './sent-webhook.js';

/** The matcher context Jest and Vitest both give `expect.extend` matchers (the part used here). */
interface MatcherContext {
  isNot: boolean;
  equals(actual: unknown, expected: unknown): boolean;
  utils: { printExpected(value: unknown): string; printReceived(value: unknown): string };
}

/** The `WebhookTesting` harness, or its `sent()` list, as `expect()` receives it. */
type SentSource = { sent(): SentWebhook[] } | readonly SentWebhook[];

/**
 * Matchers for `expect.extend`, the same object for Jest and Vitest (the `…/testing/jest` and `…/testing/vitest`
 * entry points register them and their types):
 * - `expect(webhooks).toHaveSent('order.created', { data: { id } })`: some request of that type was sent whose
 *   body contains the given fields (asymmetric matchers such as `expect.any(String)` work inside);
 * - `expect(webhooks).not.toHaveSent()`: nothing was sent at all.
 */
export const webhookMatchers = {
  toHaveSent(this: MatcherContext, received: SentSource, type?: string, payload?: unknown) {
    const all = Array.isArray(received)
      ? (received as readonly SentWebhook[])
      : (received as { sent(): SentWebhook[] }).sent();
    const ofType = type === undefined ? all : all.filter((sent) => sent.type === type);
    const matching =
      payload === undefined ? ofType : ofType.filter((sent) => containsFields(this, sent.payload, payload));
    const what = `${type === undefined ? 'a webhook' : `a "${type}" webhook`}${payload === undefined ? '' : ` containing ${this.utils.printExpected(payload)}`}`;
    const seen = all.length === 0 ? 'nothing was sent' : `sent: ${this.utils.printReceived(all.map(describeSent))}`;
    return {
      pass: matching.length > 0,
      message: () =>
        this.isNot
          ? `expected not to have sent ${what}, but ${matching.length} matching request(s) went out: ${this.utils.printReceived(matching.map(describeSent))}`
          : `expected to have sent ${what}; ${seen}`,
    };
  },
};

/** The matchers' types, to merge into the runner's `Assertion` / `Matchers` interface. */
export interface WebhookMatchers<R = unknown> {
  /** Some request of `type` (any when omitted) was sent whose parsed body contains `payload`'s fields. */
  toHaveSent(type?: string, payload?: unknown): R;
}

function describeSent(sent: SentWebhook) {
  return {
    type: sent.type,
    endpoint: sent.endpointId,
    attempt: sent.attemptNumber,
    payload: sent.payload ?? sent.body,
  };
}

/** Whether `actual` has every field of `expected`, recursively for plain objects; anything else by the runner's `equals`. */
function containsFields(context: MatcherContext, actual: unknown, expected: unknown): boolean {
  if (!isPlainObject(expected)) return context.equals(actual, expected);
  if (!isPlainObject(actual)) return false;
  return Object.entries(expected).every(([key, value]) => key in actual && containsFields(context, actual[key], value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  // An asymmetric matcher (expect.any, expect.objectContaining, ...) is compared by the runner, not field by field.
  if (typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
