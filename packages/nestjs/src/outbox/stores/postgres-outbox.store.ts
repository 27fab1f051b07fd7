import type { ClaimedDelivery } from '../outbox-store.js';
import { TypeOrmOutboxStore } from './typeorm-outbox.store.js';

/**
 * PostgreSQL: one statement claims a batch and returns it with its events. The inner SELECT takes row locks with
 * SKIP LOCKED, so concurrent relays claim disjoint batches without waiting; a lapsed lease (locked_until in the
 * past) is claimable again, which is how a dead worker's deliveries are taken over.
 */
export class PostgresOutboxStore extends TypeOrmOutboxStore {
  async claimDeliveries(limit: number, now: number, lockedUntil: number, lockToken: string): Promise<ClaimedDelivery[]> {
    const { delivery, event } = this.tables;
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE ${delivery} SET locked_until = $1, lock_token = $2
         WHERE id IN (
           SELECT id FROM ${delivery}
           WHERE status = 'pending' AND next_attempt_at <= $3 AND (locked_until IS NULL OR locked_until <= $3)
           ORDER BY next_attempt_at
           LIMIT $4
           FOR UPDATE SKIP LOCKED)
         RETURNING id, event_id, endpoint_id, attempts, locked_until, next_attempt_at)
       SELECT claimed.*, e.type, e.payload
       FROM claimed JOIN ${event} e ON e.id = claimed.event_id
       ORDER BY claimed.next_attempt_at`,
      [lockedUntil, lockToken, now, limit],
    );
    return rows.map((row) => this.toClaimed(row));
  }
}
