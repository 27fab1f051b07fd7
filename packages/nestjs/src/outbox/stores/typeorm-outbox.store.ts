import type { DataSource } from 'typeorm';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEventEntity } from '../entities/index.js';
import { newOutboxId } from '../outbox-ids.js';
import type { AttemptRecord, ClaimedDelivery, EventRouter, OutboxStore } from '../outbox-store.js';
import { type OutboxTables, outboxTables } from '../outbox-tables.js';
import { attemptRow, deliveryColumnsAfterAttempt } from './attempt-record.columns.js';

/**
 * The store for servers with row locks and a connection pool (PostgreSQL, MySQL, MariaDB): each operation is its
 * own transaction on its own pooled connection, isolated from the application's. Only the claim differs per
 * dialect, so subclasses supply just that.
 */
export abstract class TypeOrmOutboxStore implements OutboxStore {
  protected readonly tables: OutboxTables;

  constructor(protected readonly dataSource: DataSource) {
    this.tables = outboxTables(dataSource);
  }

  abstract claimDeliveries(limit: number, now: number, lockedUntil: number, lockToken: string): Promise<ClaimedDelivery[]>;

  async fanOut(limit: number, now: number, route: EventRouter): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // SKIP LOCKED: concurrent relays each take different events instead of queueing behind one another.
      const events = await manager
        .createQueryBuilder(WebhookEventEntity, 'event')
        .select(['event.id', 'event.type'])
        .where('event.fannedOutAt IS NULL')
        .orderBy('event.occurredAt', 'ASC')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (events.length === 0) return 0;

      const deliveries = events.flatMap((event) =>
        route(event.type).map((endpointId) => ({
          id: newOutboxId('dlv'),
          eventId: event.id,
          endpointId,
          status: 'pending' as const,
          attempts: 0,
          nextAttemptAt: now,
          lockedUntil: null,
          lockToken: null,
          lastStatusCode: null,
          lastError: null,
          createdAt: now,
          updatedAt: now,
          completedAt: null,
        })),
      );
      if (deliveries.length > 0) {
        // orIgnore: the (event, endpoint) unique key makes a repeated fan-out a no-op rather than a duplicate send.
        await manager
          .createQueryBuilder()
          .insert()
          .into(WebhookDeliveryEntity)
          .values(deliveries)
          .orIgnore()
          .updateEntity(false)
          .callListeners(false)
          .execute();
      }
      await manager
        .createQueryBuilder()
        .update(WebhookEventEntity)
        .set({ fannedOutAt: now })
        .whereInIds(events.map((event) => event.id))
        .callListeners(false)
        .execute();
      return events.length;
    });
  }

  async recordAttempt(record: AttemptRecord): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set(deliveryColumnsAfterAttempt(record))
        .where({ id: record.deliveryId, lockToken: record.lockToken })
        .callListeners(false)
        .execute();
      if (result.affected !== 1) return false;
      await manager
        .createQueryBuilder()
        .insert()
        .into(WebhookAttemptEntity)
        .values(attemptRow(record))
        .updateEntity(false)
        .callListeners(false)
        .execute();
      return true;
    });
  }

  async releaseClaim(deliveryId: string, lockToken: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(WebhookDeliveryEntity)
      .set({ lockedUntil: null, lockToken: null })
      .where({ id: deliveryId, lockToken })
      .callListeners(false)
      .execute();
  }

  /** Maps rows of the claim queries, whose BIGINT columns drivers return as strings. */
  protected toClaimed(row: Record<string, unknown>): ClaimedDelivery {
    return {
      id: String(row.id),
      eventId: String(row.event_id),
      endpointId: String(row.endpoint_id),
      attempts: Number(row.attempts),
      lockedUntil: Number(row.locked_until),
      eventType: String(row.type),
      payload: String(row.payload),
    };
  }
}
