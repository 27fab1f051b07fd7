import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import {
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEventEntity,
  WebhookInboxEntity,
} from '../entities/index.js';
import { escapedTableName } from '../outbox-tables.js';
import { runInOwnTransaction } from './own-transaction.runner.js';

/** A received webhook's key in the inbox. */
export type InboxKey = { receiver: string; webhookId: string };

async function deleteWhere(
  manager: EntityManager,
  target: Function,
  where: string,
  parameters: ObjectLiteral,
): Promise<number> {
  const result = await manager
    .createQueryBuilder()
    .delete()
    .from(target)
    .where(where, parameters)
    .callListeners(false)
    .execute();
  return result.affected ?? 0;
}

/**
 * Retention's reads and deletes: each read selects one batch of ids older than a cutoff, each delete is a short
 * transaction of its own that checks its condition again (a row may have changed since it was read).
 */
export class RetentionStatements {
  constructor(
    private readonly dataSource: DataSource,
    private readonly batchSize: number,
  ) {}

  /** Ids of finished (succeeded or failed) deliveries completed before `cutoff`. */
  async finishedDeliveries(cutoff: number): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('delivery')
      .select('delivery.id', 'id')
      .where("delivery.status <> 'pending' AND delivery.completedAt < :cutoff", { cutoff })
      .limit(this.batchSize)
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  /** Deletes those deliveries and their attempts; returns how many of each went. */
  deleteDeliveries(ids: readonly string[], cutoff: number): Promise<{ attempts: number; deliveries: number }> {
    return runInOwnTransaction(this.dataSource, async (manager) => ({
      attempts: await deleteWhere(manager, WebhookAttemptEntity, 'delivery_id IN (:...ids)', { ids }),
      // Re-checked: a delivery retried since it was selected is pending again and stays.
      deliveries: await deleteWhere(
        manager,
        WebhookDeliveryEntity,
        "id IN (:...ids) AND status <> 'pending' AND completed_at < :cutoff",
        { ids, cutoff },
      ),
    }));
  }

  /** Ids of events fanned out before `cutoff` that no delivery refers to any more. */
  async orphanedEvents(cutoff: number): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(WebhookEventEntity)
      .createQueryBuilder('event')
      .select('event.id', 'id')
      .where(`event.fannedOutAt < :cutoff AND ${this.noDeliveryLeft('event')}`, { cutoff })
      .limit(this.batchSize)
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  /** Deletes those events; returns how many went. */
  deleteOrphanedEvents(ids: readonly string[]): Promise<number> {
    const event = escapedTableName(this.dataSource, WebhookEventEntity);
    // Re-checked: a delivery created since (a replayed fan-out cannot, but a manual insert could) keeps its event.
    return runInOwnTransaction(this.dataSource, (manager) =>
      deleteWhere(manager, WebhookEventEntity, `id IN (:...ids) AND ${this.noDeliveryLeft(event)}`, { ids }),
    );
  }

  /** Keys of webhooks received before `cutoff`. */
  oldInboxKeys(cutoff: number): Promise<InboxKey[]> {
    return this.dataSource
      .getRepository(WebhookInboxEntity)
      .createQueryBuilder('inbox')
      .select(['inbox.receiver', 'inbox.webhookId'])
      .where('inbox.receivedAt < :cutoff', { cutoff })
      .limit(this.batchSize)
      .getMany();
  }

  /** Deletes those inbox keys; returns how many went. */
  async deleteInboxKeys(keys: InboxKey[]): Promise<number> {
    const deleted = await runInOwnTransaction(this.dataSource, (manager) =>
      manager.createQueryBuilder().delete().from(WebhookInboxEntity).where(keys).callListeners(false).execute(),
    );
    return deleted.affected ?? 0;
  }

  /** `event` is the alias or escaped table name of the event row the condition is about. */
  private noDeliveryLeft(event: string): string {
    const delivery = escapedTableName(this.dataSource, WebhookDeliveryEntity);
    return `NOT EXISTS (SELECT 1 FROM ${delivery} d WHERE d.event_id = ${event}.id)`;
  }
}
