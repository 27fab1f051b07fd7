import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEventEntity, WebhookInboxEntity } from '../outbox/entities/index.js';
import { escapedTableName } from '../outbox/outbox-tables.js';
import { runInOwnTransaction } from '../outbox/webhook-transaction.runner.js';
import type { WebhookClock } from '../webhook-clock.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE, WEBHOOK_OPTIONS } from '../webhook.tokens.js';

/** What one `prune()` deleted. */
export interface WebhookPruneResult {
  /** Finished (succeeded or failed) deliveries completed before the cutoff. */
  deliveries: number;
  /** Attempts of those deliveries. */
  attempts: number;
  /** Events fanned out before the cutoff that no delivery refers to any more. */
  events: number;
  /** Received webhook ids recorded before the cutoff. */
  inbox: number;
}

/**
 * Deletes what is older than `retention.maxAge`: finished deliveries with their attempts, then the events they
 * leave without any delivery, and the inbox's received ids. Pending deliveries and events not yet fanned out are
 * never touched, whatever their age. Each batch is its own short transaction, so pruning a large backlog never
 * holds locks the relay or the application wait for; running it on several instances at once is harmless.
 */
@Injectable()
export class WebhookRetention {
  private readonly logger = new Logger(WebhookRetention.name);

  constructor(
    @Inject(WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions,
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
  ) {}

  /** Prunes everything older than `maxAge` (default `retention.maxAge`) before now. */
  async prune(maxAge = this.options.retention.maxAge): Promise<WebhookPruneResult> {
    const cutoff = this.clock.now() - maxAge;
    const result: WebhookPruneResult = { deliveries: 0, attempts: 0, events: 0, inbox: 0 };
    for (let batch = await this.finishedDeliveries(cutoff); batch.length > 0; batch = await this.finishedDeliveries(cutoff)) {
      const [attempts, deliveries] = await runInOwnTransaction(this.dataSource, async (manager) => [
        await deleteWhere(manager, WebhookAttemptEntity, 'delivery_id IN (:...ids)', { ids: batch }),
        // Re-checked: a delivery retried since it was selected is pending again and stays.
        await deleteWhere(manager, WebhookDeliveryEntity, "id IN (:...ids) AND status <> 'pending' AND completed_at < :cutoff", { ids: batch, cutoff }),
      ]);
      result.attempts += attempts;
      result.deliveries += deliveries;
      if (deliveries === 0) break;
    }
    for (let batch = await this.orphanedEvents(cutoff); batch.length > 0; batch = await this.orphanedEvents(cutoff)) {
      const deleted = await runInOwnTransaction(this.dataSource, (manager) =>
        // Re-checked: a delivery created since (a replayed fan-out cannot, but a manual insert could) keeps its event.
        deleteWhere(manager, WebhookEventEntity, `id IN (:...ids) AND ${this.noDeliveryLeft(escapedTableName(this.dataSource, WebhookEventEntity))}`, { ids: batch }),
      );
      result.events += deleted;
      if (deleted === 0) break;
    }
    for (let batch = await this.oldInboxKeys(cutoff); batch.length > 0; batch = await this.oldInboxKeys(cutoff)) {
      const deleted = await runInOwnTransaction(this.dataSource, (manager) =>
        manager.createQueryBuilder().delete().from(WebhookInboxEntity).where(batch).callListeners(false).execute(),
      );
      result.inbox += deleted.affected ?? 0;
      if (!deleted.affected) break;
    }
    if (result.deliveries + result.events + result.inbox > 0) {
      this.logger.log(
        `Pruned ${result.deliveries} deliveries, ${result.attempts} attempts, ${result.events} events and ${result.inbox} inbox ids older than ${new Date(cutoff).toISOString()}.`,
      );
    }
    return result;
  }

  private get batchSize(): number {
    return this.options.retention.batchSize;
  }

  private async finishedDeliveries(cutoff: number): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('delivery')
      .select('delivery.id', 'id')
      .where("delivery.status <> 'pending' AND delivery.completedAt < :cutoff", { cutoff })
      .limit(this.batchSize)
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  private async orphanedEvents(cutoff: number): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(WebhookEventEntity)
      .createQueryBuilder('event')
      .select('event.id', 'id')
      .where(`event.fannedOutAt < :cutoff AND ${this.noDeliveryLeft('event')}`, { cutoff })
      .limit(this.batchSize)
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  private async oldInboxKeys(cutoff: number): Promise<Array<{ receiver: string; webhookId: string }>> {
    return this.dataSource
      .getRepository(WebhookInboxEntity)
      .createQueryBuilder('inbox')
      .select(['inbox.receiver', 'inbox.webhookId'])
      .where('inbox.receivedAt < :cutoff', { cutoff })
      .limit(this.batchSize)
      .getMany();
  }

  /** `event` is the alias or escaped table name of the event row the condition is about. */
  private noDeliveryLeft(event: string): string {
    const delivery = escapedTableName(this.dataSource, WebhookDeliveryEntity);
    return `NOT EXISTS (SELECT 1 FROM ${delivery} d WHERE d.event_id = ${event}.id)`;
  }
}

async function deleteWhere(manager: EntityManager, target: Function, where: string, parameters: ObjectLiteral): Promise<number> {
  const result = await manager.createQueryBuilder().delete().from(target).where(where, parameters).callListeners(false).execute();
  return result.affected ?? 0;
}
