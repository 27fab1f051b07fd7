import type { DataSource, EntityManager } from 'typeorm';
import { WebhookBackfillEntity, WebhookDeliveryEntity } from '../entities/index.js';
import type { pendingDelivery } from '../pending-delivery.js';
import { type EventInsertRow, insertEvents } from './event-insert.statements.js';
import { dialectOf } from './sql-dialect.js';

/**
 * The condition "`column` is at or after `:since`" for a backfill's page query. SQLite keeps dates as text, in two
 * forms (with milliseconds from save(), without from a statement update's CURRENT_TIMESTAMP) that do not compare as
 * text: there they are compared as times.
 */
export function changedSinceCondition(dataSource: DataSource, column: string): string {
  return dialectOf(dataSource) === 'sqlite' ? `julianday(${column}) >= julianday(:since)` : `${column} >= :since`;
}

/** Writes events already fanned out and their deliveries to one endpoint (a backfill batch, a test event), in `manager`'s transaction. */
export async function insertEventsWithDeliveries(
  manager: EntityManager,
  events: readonly EventInsertRow[],
  deliveries: ReadonlyArray<ReturnType<typeof pendingDelivery>>,
): Promise<void> {
  await insertEvents(manager, events);
  if (deliveries.length === 0) return;
  await manager
    .createQueryBuilder()
    .insert()
    .into(WebhookDeliveryEntity)
    .values([...deliveries])
    .updateEntity(false)
    .callListeners(false)
    .execute();
}

/** A backfill's progress row, created if absent; two concurrent first calls end up with the same row. */
export async function backfillProgressRow(
  dataSource: DataSource,
  row: WebhookBackfillEntity,
): Promise<WebhookBackfillEntity> {
  const repository = dataSource.getRepository(WebhookBackfillEntity);
  const existing = await repository.findOneBy({ id: row.id });
  if (existing) return existing;
  await repository.createQueryBuilder().insert().values(row).orIgnore().execute();
  return repository.findOneByOrFail({ id: row.id });
}
