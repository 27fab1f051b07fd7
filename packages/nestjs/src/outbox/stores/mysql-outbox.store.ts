import type { ClaimedDelivery } from '../outbox-store.js';
import { TypeOrmOutboxStore } from './typeorm-outbox.store.js';

/**
 * MySQL 8 and MariaDB 10.6+: no UPDATE ... RETURNING, so the claim is a locking SELECT (SKIP LOCKED, so
 * concurrent relays take disjoint rows), an UPDATE of exactly those ids, and a read of what was claimed, in one
 * transaction.
 */
export class MysqlOutboxStore extends TypeOrmOutboxStore {
  async claimDeliveries(limit: number, now: number, lockedUntil: number, lockToken: string): Promise<ClaimedDelivery[]> {
    const { delivery, event } = this.tables;
    return this.dataSource.transaction(async (manager) => {
      const due: Array<{ id: string }> = await manager.query(
        `SELECT id FROM ${delivery}
         WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
         ORDER BY next_attempt_at
         LIMIT ?
         FOR UPDATE SKIP LOCKED`,
        [now, now, limit],
      );
      if (due.length === 0) return [];
      const ids = due.map((row) => row.id);
      const placeholders = ids.map(() => '?').join(', ');
      await manager.query(`UPDATE ${delivery} SET locked_until = ?, lock_token = ? WHERE id IN (${placeholders})`, [
        lockedUntil,
        lockToken,
        ...ids,
      ]);
      const rows: Record<string, unknown>[] = await manager.query(
        `SELECT d.id, d.event_id, d.endpoint_id, d.attempts, d.locked_until, e.type, e.payload
         FROM ${delivery} d JOIN ${event} e ON e.id = d.event_id
         WHERE d.id IN (${placeholders})
         ORDER BY d.next_attempt_at`,
        ids,
      );
      return rows.map((row) => this.toClaimed(row));
    });
  }
}
