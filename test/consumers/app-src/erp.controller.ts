import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { IncomingWebhook, VerifyWebhook, WebhookPayload } from '@webhook-outbox/nestjs';

export interface ReceivedWebhook {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** The receiving side, in the same app: verified by the package's guard before the handler runs. */
@Controller('erp')
export class ErpController {
  readonly received: ReceivedWebhook[] = [];

  @Post('webhooks')
  @HttpCode(204)
  @VerifyWebhook('erp')
  receive(
    @IncomingWebhook() webhook: IncomingWebhook,
    @WebhookPayload() body: { type: string; data: Record<string, unknown> },
  ): void {
    this.received.push({ id: webhook.id, type: body.type, data: body.data });
  }

  @Get('received')
  list(): ReceivedWebhook[] {
    return this.received;
  }
}
