import { Controller, HttpCode, Post, ServiceUnavailableException } from '@nestjs/common';
import { IncomingWebhook, VerifyWebhook } from '@webhook-outbox/nestjs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The receiving app's own effect of a payment webhook. Deliberately not unique: only the inbox prevents doubles. */
@Entity({ name: 'ledger_entry' })
export class LedgerEntry {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  webhookId!: string;

  @Column({ type: 'int' })
  amount!: number;
}

export interface PaymentWebhook {
  amount: number;
  /** How many attempts the handler refuses (503) before it accepts this payment. */
  failFirst?: number;
  /** How long the transaction stays open after writing, so that racing requests overlap. */
  holdMs?: number;
}

/** Attempts per webhook id in this process, for handlers that fail the first time(s). */
export const attempts = new Map<string, number>();
export const plainRuns = { count: 0 };

function refuseFirstAttempts(webhook: IncomingWebhook<PaymentWebhook>): void {
  const attempt = (attempts.get(webhook.id) ?? 0) + 1;
  attempts.set(webhook.id, attempt);
  if (attempt <= (webhook.payload.failFirst ?? 0)) throw new ServiceUnavailableException('ledger is closed');
}

/** A payments receiver: books each payment webhook into the ledger. */
@Controller('payments')
export class PaymentsController {
  @Post()
  @HttpCode(200)
  @VerifyWebhook('payments')
  async record(@IncomingWebhook() webhook: IncomingWebhook<PaymentWebhook>) {
    const outcome = await webhook.processInTransaction(async (manager) => {
      await manager.insert(LedgerEntry, { webhookId: webhook.id, amount: webhook.payload.amount });
      if (webhook.payload.holdMs) await sleep(webhook.payload.holdMs);
      refuseFirstAttempts(webhook);
      return 'recorded';
    });
    return { outcome: outcome ?? 'skipped', duplicate: webhook.duplicate };
  }

  /** The same without a transaction: recorded in the inbox after it returns. */
  @Post('plain')
  @HttpCode(200)
  @VerifyWebhook('payments')
  plain(@IncomingWebhook() webhook: IncomingWebhook<PaymentWebhook>) {
    plainRuns.count += 1;
    refuseFirstAttempts(webhook);
    return { ran: true };
  }
}
