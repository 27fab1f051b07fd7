import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import type { IncomingWebhook as VerifiedIncomingWebhook } from './incoming-webhook.js';

function webhookOf(context: ExecutionContext, decorator: string): VerifiedIncomingWebhook {
  const webhook = context.switchToHttp().getRequest<{ webhook?: VerifiedIncomingWebhook }>().webhook;
  if (!webhook) {
    throw new WebhookConfigurationError(`${decorator} is only available on routes verified with @VerifyWebhook(...).`);
  }
  return webhook;
}

/**
 * The verified webhook (id, receiver, payload, raw body, `processInTransaction`) of a `@VerifyWebhook` route.
 *
 * @example
 * \@Post('stripe') \@VerifyWebhook('stripe')
 * async paid(\@IncomingWebhook() webhook: IncomingWebhook<Stripe.Event>) {
 *   await webhook.processInTransaction((manager) => this.payments.record(manager, webhook.payload));
 * }
 */
export const IncomingWebhook = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  webhookOf(context, '@IncomingWebhook()'),
);

/**
 * The verified webhook's payload, or one property of it; pipes apply as with `@Body()`.
 *
 * @example
 * handle(\@WebhookPayload(new ParseOrderPipe()) order: Order, \@WebhookPayload('type') type: string) {}
 */
export const WebhookPayload = createParamDecorator((property: string | undefined, context: ExecutionContext) => {
  const payload = webhookOf(context, '@WebhookPayload()').payload;
  if (property === undefined) return payload;
  return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[property] : undefined;
});

/** The verified webhook a `@IncomingWebhook()` parameter receives (the type of the same name as the decorator). */
export type IncomingWebhook<TPayload = unknown> = VerifiedIncomingWebhook<TPayload>;
