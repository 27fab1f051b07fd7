/**
 * Thrown at startup when the webhook module is configured in a way that cannot work.
 * The message names the option at fault and says how to fix it.
 */
export class WebhookConfigurationError extends Error {
  /** Always `'WebhookConfigurationError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookConfigurationError';
}
