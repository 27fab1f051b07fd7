import type { ClaimedDelivery, ClaimRequest } from '../outbox-store.js';
import { claimedDeliveryFromRow, claimScanLimit, waitsForNoEarlier } from './claim.statements.js';
import { TypeOrmOutboxStore } from './typeorm-outbox.store.js';

/**
 * PostgreSQL: one statement claims a batch and returns it with its events. The candidates are locked with SKIP
 * LOCKED, so concurrent relays claim disjoint batches without waiting; a window over them keeps at most
 * `perEndpoint` per endpoint; paused endpoints are skipped. A lapsed lease (locked_until in the past) is
 * claimable again, which is how a crashed worker's deliveries are taken over.
 */
export class PostgresOutboxStore extends TypeOrmOutboxStore {
  async claimDeliveries(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const { delivery, event, endpointState } = this.tables;
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `WITH candidates AS (
         SELECT d.id, d.endpoint_id, d.next_attempt_at FROM ${delivery} d
         WHERE d.status = 'pending' AND d.next_attempt_at <= $3 AND (d.locked_until IS NULL OR d.locked_until <= $3)
           AND NOT (d.endpoint_id = ANY($5::varchar[]))
           AND NOT EXISTS (SELECT 1 FROM ${endpointState} s WHERE s.endpoint_id = d.endpoint_id AND s.paused_until > $3)
           AND ${waitsForNoEarlier(delivery)}
         ORDER BY d.next_attempt_at
         LIMIT $4
         FOR UPDATE OF d SKIP LOCKED),
       picked AS (
         SELECT id FROM (
           SELECT id, next_attempt_at, row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at) AS n
           FROM candidates) ranked
         WHERE n <= $6
         ORDER BY next_attempt_at
         LIMIT $7),
       claimed AS (
         UPDATE ${delivery} SET locked_until = $1, lock_token = $2
         WHERE id IN (SELECT id FROM picked)
         RETURNING id, event_id, endpoint_id, attempts, series_start, locked_until, next_attempt_at)
       SELECT claimed.*, e.type, e.payload, e.source_id, s.disabled_at, s.disabled_reason
       FROM claimed
       LEFT JOIN ${event} e ON e.id = claimed.event_id
       LEFT JOIN ${endpointState} s ON s.endpoint_id = claimed.endpoint_id
       ORDER BY claimed.next_attempt_at`,
      [
        request.lockedUntil,
        request.lockToken,
        request.now,
        claimScanLimit(request),
        request.excludeEndpoints,
        request.perEndpoint,
        request.limit,
      ],
    );
    return rows.map(claimedDeliveryFromRow);
  }
}
