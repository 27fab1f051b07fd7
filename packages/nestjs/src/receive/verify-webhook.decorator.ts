import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { decodeWebhookSecret } from '@webhook-outbox/signature';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import { VERIFY_WEBHOOK_METADATA, type VerifyWebhookReceiver } from './verify-webhook.metadata.js';
import { WebhookGuard } from './webhook.guard.js';

/**
 * Verifies the Standard Webhooks signature of every request to a route or controller before the handler runs.
 * Refusals are 401 with a one-line reason. The signature is checked over the raw body, so create the app with
 * `NestFactory.create(AppModule, { rawBody: true })`; for GET requests it is checked over the raw query string.
 *
 * @example
 * \@Post('webhooks')
 * \@VerifyWebhook('erp')                       // receivers: { erp: { secret } } in WebhookModule options
 * handle(@Body() event: unknown) { ... }
 *
 * \@VerifyWebhook({ secret: process.env.PARTNER_SECRET! }) // inline, for a one-off receiver
 */
export function VerifyWebhook(receiver: VerifyWebhookReceiver): ClassDecorator & MethodDecorator {
  if (typeof receiver !== 'string') {
    const secrets = Array.isArray(receiver.secret) ? receiver.secret : [receiver.secret];
    try {
      if (secrets.length === 0) throw new Error('no secret given');
      secrets.forEach(decodeWebhookSecret);
    } catch (error) {
      // Failing here, when the controller class is loaded, beats a 500 on the first request.
      throw new WebhookConfigurationError(`@VerifyWebhook: the secret is not usable: ${(error as Error).message}`);
    }
  }
  return applyDecorators(SetMetadata(VERIFY_WEBHOOK_METADATA, receiver), UseGuards(WebhookGuard));
}
