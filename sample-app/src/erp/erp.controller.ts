import { Controller, Get, Headers, HttpCode, Logger, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IncomingWebhook, VerifyWebhook, WebhookPayload } from '@webhook-outbox/nestjs';
import type { Repository } from 'typeorm';
import { ErpRecord } from './erp-record.entity.js';

interface OrderWebhook {
  type?: string;
  data?: Record<string, unknown>;
  changes?: Record<string, unknown>;
}

/**
 * The "ERP": receives the shop's webhooks, verified by the guard before the handler runs. Each one is processed
 * in a transaction together with its inbox entry, so a redelivery (at-least-once delivery) is kept once.
 */
@Controller('erp')
export class ErpController {
  private readonly logger = new Logger(ErpController.name);

  constructor(@InjectRepository(ErpRecord) private readonly records: Repository<ErpRecord>) {}

  @Post('webhooks')
  @VerifyWebhook('erp')
  @HttpCode(204)
  async receive(
    @IncomingWebhook() webhook: IncomingWebhook,
    @WebhookPayload() body: OrderWebhook,
    @Headers('traceparent') traceparent?: string,
  ): Promise<void> {
    await webhook.processInTransaction((manager) =>
      manager.save(ErpRecord, {
        webhookId: webhook.id,
        type: String(body?.type),
        data: body?.data ?? null,
        changes: body?.changes ?? null,
        receivedAt: new Date().toISOString(),
        traceparent: traceparent ?? null,
      }),
    );
    this.logger.log(`${webhook.duplicate ? 'Ignored repeated' : 'Received'} ${body?.type} (${webhook.id})`);
  }

  @Get('received')
  received(): Promise<ErpRecord[]> {
    return this.records.find({ order: { receivedAt: 'DESC' }, take: 100 });
  }
}
