/**
 * Thrown at startup when the webhook module is configured in a way that cannot work.
 * The message names the option at fault and says how to fix it.
 */
export class WebhookConfigurationError extends Error {
  override readonly name = 'WebhookConfigurationError';
}
