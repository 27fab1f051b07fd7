/** Metadata key under which `@VerifyWebhook` stores its receiver; only the decorator and the guard use it. */
export const VERIFY_WEBHOOK_METADATA = 'webhook-outbox:verify-webhook';
