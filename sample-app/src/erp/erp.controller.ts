import { Body, Controller, Get, HttpCode, Logger, Post, Req } from '@nestjs/common';
import { type VerifiedWebhookRequest, VerifyWebhook } from '@webhook-outbox/nestjs';
import { type ReceivedWebhook, ReceivedWebhooksStore } from './received-webhooks.store.js';

/** The "ERP": receives the shop's webhooks, verified by the guard before the handler runs. */
@Controller('erp')
export class ErpController {
  private readonly logger = new Logger(ErpController.name);

  constructor(private readonly store: ReceivedWebhooksStore) {}

  @Post('webhooks')
  @VerifyWebhook('erp')
  @HttpCode(204)
  receive(@Body() body: { type?: string; data?: unknown; changes?: unknown }, @Req() request: { webhook: VerifiedWebhookRequest }): void {
    const isNew = this.store.add({
      webhookId: request.webhook.id,
      type: String(body?.type),
      data: body?.data,
      changes: body?.changes,
      receivedAt: new Date().toISOString(),
    });
    this.logger.log(`${isNew ? 'Received' : 'Ignored repeated'} ${body?.type} (${request.webhook.id})`);
  }

  @Get('received')
  received(): readonly ReceivedWebhook[] {
    return this.store.list();
  }
}
