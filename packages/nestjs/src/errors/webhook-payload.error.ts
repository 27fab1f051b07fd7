/**
 * Thrown inside the caller's transaction when an `@EmitsWebhook` `payload` or `when` function throws. The change
 * is rolled back with it (an event that cannot be built must not be silently dropped); `cause` is the original.
 */
export class WebhookPayloadError extends Error {
  /** Always `'WebhookPayloadError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookPayloadError';
}
