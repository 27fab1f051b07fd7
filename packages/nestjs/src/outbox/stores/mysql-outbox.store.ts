import type { EntityManager } from 'typeorm';
import type { AttemptRecord, ClaimedDelivery, ClaimRequest } from '../outbox-store.js';
import type { PlannedDelivery } from '../fan-out.plan.js';
import { attemptRow, deliveryColumnsAfterAttempt } from './attempt-record.columns.js';
import { claimedDeliveryFromRow, claimScanLimit, claimStatements, pickPerEndpoint } from './claim.statements.js';
import { type FanOutWrites, TypeOrmOutboxStore } from './typeorm-outbox.store.js';
import { UNFANNED_EVENT_COLUMNS } from './unfanned-event.columns.js';

/**
 * MySQL 8 and MariaDB 10.6+: no UPDATE ... RETURNING, so the claim is a locking SELECT of candidates (SKIP LOCKED,
 * so concurrent relays take disjoint rows), the per-endpoint pick, an UPDATE of exactly those ids, and a read of
 * what was claimed, in one transaction.
 */
export class MysqlOutboxStore extends TypeOrmOutboxStore {
  private readonly claim = claimStatements(this.tables, 'FOR UPDATE SKIP LOCKED');

  async claimDeliveries(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const { now } = request;
    return this.transaction(async (manager) => {
      const paused: Array<{ endpoint_id: string }> = await manager.query(this.claim.pausedEndpoints, [now]);
      const excluded = [...request.excludeEndpoints, ...paused.map((row) => row.endpoint_id)];
      const candidates: Array<{ id: string; endpoint_id: string }> = await manager.query(
        this.claim.candidates(excluded.length),
        [now, now, ...excluded, claimScanLimit(request)],
      );
      const ids = pickPerEndpoint(candidates, request);
      if (ids.length === 0) return [];
      await manager.query(this.claim.lease(ids.length), [request.lockedUntil, request.lockToken, ...ids]);
      const rows: Record<string, unknown>[] = await manager.query(this.claim.claimed(ids.length), ids);
      return rows.map(claimedDeliveryFromRow);
    });
  }

  /**
   * One transaction for a batch of outcomes: lock the deliveries and keep the records whose claim still holds,
   * update those from a derived table of their new columns, insert their attempts in one statement.
   */
  async recordAttempts(records: readonly AttemptRecord[]): Promise<boolean[]> {
    if (records.length === 0) return [];
    const ids = records.map((record) => record.deliveryId);
    const stored = await this.transaction(async (manager) => {
      const rows: Array<{ id: string; lock_token: string | null }> = await manager.query(
        `SELECT id, lock_token FROM ${this.tables.delivery} WHERE id IN (${ids.map(() => '?').join(', ')}) FOR UPDATE`,
        ids,
      );
      const tokens = new Map(rows.map((row) => [row.id, row.lock_token]));
      const ours = records.filter((record) => tokens.get(record.deliveryId) === record.lockToken);
      if (ours.length === 0) return ours;
      const next = ours.map((record) => ({ id: record.deliveryId, ...deliveryColumnsAfterAttempt(record) }));
      const row =
        '? AS id, ? AS status, ? AS failure_reason, ? AS attempts, ? AS next_attempt_at, ? AS last_status_code, ? AS last_error, ? AS updated_at, ? AS completed_at';
      await manager.query(
        `UPDATE ${this.tables.delivery} d
         JOIN (${next.map(() => `SELECT ${row}`).join(' UNION ALL ')}) n ON n.id = d.id
         SET d.status = n.status, d.failure_reason = n.failure_reason, d.attempts = n.attempts, d.next_attempt_at = n.next_attempt_at,
             d.locked_until = NULL, d.lock_token = NULL, d.last_status_code = n.last_status_code, d.last_error = n.last_error,
             d.updated_at = n.updated_at, d.completed_at = n.completed_at`,
        next.flatMap((columns) => [
          columns.id,
          columns.status,
          columns.failureReason,
          columns.attempts,
          columns.nextAttemptAt,
          columns.lastStatusCode,
          columns.lastError,
          columns.updatedAt,
          columns.completedAt,
        ]),
      );
      // Plain SQL: `request` is JSON text already, which the entity's transformer would encode a second time.
      const attempts = ours.map(attemptRow);
      await manager.query(
        `INSERT INTO ${this.tables.attempt}
           (id, delivery_id, attempt_number, started_at, duration_ms, outcome, status_code, response_excerpt, error, request)
         VALUES ${attempts.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        attempts.flatMap((attempt) => [
          attempt.id,
          attempt.deliveryId,
          attempt.attemptNumber,
          attempt.startedAt,
          attempt.durationMs,
          attempt.outcome,
          attempt.statusCode,
          attempt.responseExcerpt,
          attempt.error,
          attempt.request,
        ]),
      );
      return ours;
    });
    const kept = new Set(stored);
    return records.map((record) => kept.has(record));
  }

  protected fanOutTransaction<T>(work: (writes: FanOutWrites) => Promise<T>): Promise<T> {
    return this.transaction((manager) =>
      work({
        take: (limit, now) => this.takeUnfannedEvents(manager, limit, now),
        insert: (deliveries) => this.insertDeliveries(manager, deliveries),
      }),
    );
  }

  /** Locks the oldest events not fanned out (SKIP LOCKED) and marks them, in the fan-out's transaction. */
  private async takeUnfannedEvents(
    manager: EntityManager,
    limit: number,
    now: number,
  ): Promise<Array<Record<string, unknown>>> {
    const { event } = this.tables;
    const rows: Array<{ id: string }> = await this.query(
      manager,
      `SELECT ${UNFANNED_EVENT_COLUMNS} FROM ${event} WHERE fanned_out_at IS NULL
       ORDER BY occurred_at, id LIMIT :limit FOR UPDATE SKIP LOCKED`,
      { limit },
    );
    if (rows.length > 0)
      await this.query(manager, `UPDATE ${event} SET fanned_out_at = :now WHERE id IN (:...ids)`, {
        now,
        ids: rows.map((row) => row.id),
      });
    return rows;
  }

  /**
   * Inserts new deliveries in one statement, skipping any that exist (same event and endpoint); asks which of the
   * claimed ones are this insert's when some existed.
   */
  private async insertDeliveries(
    manager: EntityManager,
    deliveries: readonly PlannedDelivery[],
  ): Promise<(deliveryId: string) => boolean> {
    const result: { affectedRows: number } = await manager.query(
      `INSERT IGNORE INTO ${this.tables.delivery}
         (id, event_id, endpoint_id, tenant, ordering_key, sequence, status, attempts, next_attempt_at, created_at, updated_at,
          locked_until, lock_token, payload, request)
       VALUES ${deliveries.map(() => "(?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?, ?)").join(', ')}`,
      deliveries.flatMap((delivery) => [
        delivery.id,
        delivery.eventId,
        delivery.endpointId,
        delivery.tenant,
        delivery.orderingKey,
        delivery.sequence,
        delivery.nextAttemptAt,
        delivery.createdAt,
        delivery.updatedAt,
        delivery.lockedUntil,
        delivery.lockToken,
        delivery.payload,
        delivery.request,
      ]),
    );
    if (result.affectedRows === deliveries.length) return () => true;
    // Some already existed (a fan-out repeated): ask which of the claimed ones are this insert's.
    const claimed = deliveries.filter((delivery) => delivery.lockToken !== null).map((delivery) => delivery.id);
    if (claimed.length === 0) return () => false;
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT id FROM ${this.tables.delivery} WHERE id IN (${claimed.map(() => '?').join(', ')})`,
      claimed,
    );
    const ids = new Set(rows.map((row) => row.id));
    return (deliveryId) => ids.has(deliveryId);
  }
}
