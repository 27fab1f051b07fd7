import type { ClaimedDelivery, ClaimRequest } from '../outbox-store.js';
import { claimScanLimit, pickPerEndpoint } from './claim-selection.js';
import { TypeOrmOutboxStore } from './typeorm-outbox.store.js';

/**
 * MySQL 8 and MariaDB 10.6+: no UPDATE ... RETURNING, so the claim is a locking SELECT of candidates (SKIP LOCKED,
 * so concurrent relays take disjoint rows), the per-endpoint pick, an UPDATE of exactly those ids, and a read of
 * what was claimed, in one transaction. Paused endpoints are read first with a plain (non-locking) read: in the
 * locking SELECT, SKIP LOCKED would also skip a state row another claim is reading, and so miss its pause.
 */
export class MysqlOutboxStore extends TypeOrmOutboxStore {
  async claimDeliveries(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const { delivery, event, endpointState } = this.tables;
    const { now } = request;
    return this.transaction(async (manager) => {
      const paused: Array<{ endpoint_id: string }> = await manager.query(
        `SELECT endpoint_id FROM ${endpointState} WHERE paused_until > ?`,
        [now],
      );
      const excluded = [...request.excludeEndpoints, ...paused.map((row) => row.endpoint_id)];
      const exclusion = excluded.length > 0 ? `AND endpoint_id NOT IN (${excluded.map(() => '?').join(', ')})` : '';
      const candidates: Array<{ id: string; endpoint_id: string }> = await manager.query(
        `SELECT id, endpoint_id FROM ${delivery}
         WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?) ${exclusion}
         ORDER BY next_attempt_at
         LIMIT ?
         FOR UPDATE SKIP LOCKED`,
        [now, now, ...excluded, claimScanLimit(request)],
      );
      const ids = pickPerEndpoint(candidates, request);
      if (ids.length === 0) return [];
      const placeholders = ids.map(() => '?').join(', ');
      await manager.query(`UPDATE ${delivery} SET locked_until = ?, lock_token = ? WHERE id IN (${placeholders})`, [
        request.lockedUntil,
        request.lockToken,
        ...ids,
      ]);
      const rows: Record<string, unknown>[] = await manager.query(
        `SELECT d.id, d.event_id, d.endpoint_id, d.attempts, d.series_start, d.locked_until, e.type, e.payload,
                s.disabled_at, s.disabled_reason
         FROM ${delivery} d
         JOIN ${event} e ON e.id = d.event_id
         LEFT JOIN ${endpointState} s ON s.endpoint_id = d.endpoint_id
         WHERE d.id IN (${placeholders})
         ORDER BY d.next_attempt_at`,
        ids,
      );
      return rows.map((row) => this.toClaimed(row));
    });
  }
}
