import { applyDecorators, SetMetadata, UseGuards, UseInterceptors } from '@nestjs/common';
import { VERIFY_WEBHOOK_METADATA } from './verify-webhook.metadata.js';
import { WebhookInboxInterceptor } from './webhook-inbox.interceptor.js';
import { resolveWebhookReceiver } from './webhook-receiver.js';
import { type VerifyWebhookReceiver } from '../options/webhook-receiver.options.js';
import { WebhookGuard } from './webhook.guard.js';

/**
 * Verifies every request to a route or controller before the handler runs, and keeps a redelivery from running
 * the handler twice. Refusals are 401/400/413 with a generic body; the reason is logged and emitted on
 * `WebhookReceiverEvents.refused`. Signatures are checked over the raw body, so create the app with
 * `{ rawBody: true }` (Express or Fastify); for GET requests they are checked over the raw query string.
 *
 * @example
 * \@Post('webhooks/stripe')
 * \@VerifyWebhook('stripe')            // receivers: { stripe: { scheme: 'stripe', secret } } in WebhookModule options
 * handle(\@IncomingWebhook() webhook: IncomingWebhook) { ... }
 *
 * \@VerifyWebhook({ scheme: 'github', secret: process.env.GITHUB_SECRET!, name: 'github' }) // inline
 */
export function VerifyWebhook(receiver: VerifyWebhookReceiver): ClassDecorator & MethodDecorator {
  // Checking an inline receiver when the controller class is loaded beats a failure on the first request.
  if (typeof receiver !== 'string') resolveWebhookReceiver(receiver, '@VerifyWebhook', receiver.name);
  return applyDecorators(
    SetMetadata(VERIFY_WEBHOOK_METADATA, receiver),
    UseGuards(WebhookGuard),
    UseInterceptors(WebhookInboxInterceptor),
  );
}
