/**
 * `WebhookPublisher.publish()` was given an EntityManager that is not inside a transaction (or belongs to another
 * DataSource): the event could then be committed without the change it reports, or the change without it.
 */
export class WebhookTransactionRequiredError extends Error {
  /** Always `'WebhookTransactionRequiredError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookTransactionRequiredError';
}
