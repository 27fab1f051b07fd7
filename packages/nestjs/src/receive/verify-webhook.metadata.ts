/** An inline receiver: the secret(s) to verify with and the timestamp tolerance in seconds (default 300). */
export interface InlineWebhookReceiver {
  secret: string | string[];
  tolerance?: number;
}

/** A receiver name from `WebhookModule` options, or an inline receiver. */
export type VerifyWebhookReceiver = string | InlineWebhookReceiver;

/** Metadata key under which `@VerifyWebhook` stores its receiver; only the decorator and the guard use it. */
export const VERIFY_WEBHOOK_METADATA = 'webhook-outbox:verify-webhook';
