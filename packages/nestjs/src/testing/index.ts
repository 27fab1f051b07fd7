export { signWebhook } from './sign-webhook.js';
export type { SignedWebhook, SignWebhookInput } from './sign-webhook.js';
