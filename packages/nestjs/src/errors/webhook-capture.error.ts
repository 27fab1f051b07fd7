/**
 * In strict capture mode (`capture.strict`), a change to an `@EmitsWebhook` entity made in a way whose rows cannot be
 * known (an update or delete by a where clause, `updateAll()`, a QueryBuilder statement). Thrown before the
 * statement runs, so nothing changes without its webhook.
 */
export class WebhookCaptureError extends Error {
  /** Always `'WebhookCaptureError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookCaptureError';
}
