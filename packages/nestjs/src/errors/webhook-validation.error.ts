/** One field a caller got wrong, and what is wrong with it. */
export interface WebhookFieldError {
  /** The input field, e.g. `url` or `eventTypes[1]`. */
  field: string;
  /** What is wrong with it, for a human. */
  message: string;
}

/**
 * Input to `WebhookEndpoints` or `WebhookDeliveries` was refused; `errors` says which fields and why. The admin API
 * answers it with 400 and the same list.
 */
export class WebhookValidationError extends Error {
  /** Always `'WebhookValidationError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookValidationError';

  /** @param errors - Every invalid field, each with what is wrong with it. */
  constructor(
    /** Every invalid field, each with what is wrong with it. */
    readonly errors: readonly WebhookFieldError[],
  ) {
    super(`Invalid webhook input: ${errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`);
  }
}
