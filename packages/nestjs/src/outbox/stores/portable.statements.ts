import type { OutboxTables } from '../outbox-tables.js';
import { insertIfAbsent, type OutboxDialect } from './sql-dialect.js';

/**
 * The relay's statements that are the same in every dialect (endpoint state, fenced failure, release), written
 * once with `:name` parameters: TypeORM's driver rewrites them for PostgreSQL and MySQL, better-sqlite3 binds them
 * as they are. Only the insert-if-absent differs by dialect.
 */
export function portableStatements({ delivery, endpointState }: OutboxTables, dialect: OutboxDialect) {
  const values = `${endpointState} (endpoint_id, updated_at) VALUES (:endpointId, :now)`;
  return {
    ensure: insertIfAbsent(dialect, values),
    pause: `UPDATE ${endpointState} SET paused_until = :until, updated_at = :now
            WHERE endpoint_id = :endpointId AND (paused_until IS NULL OR paused_until < :until)`,
    endStreak: `UPDATE ${endpointState} SET failing_since = NULL, updated_at = :now
                WHERE endpoint_id = :endpointId AND failing_since IS NOT NULL`,
    startStreak: `UPDATE ${endpointState} SET failing_since = :now, updated_at = :now
                  WHERE endpoint_id = :endpointId AND failing_since IS NULL`,
    disableIfFailingSince: `UPDATE ${endpointState} SET disabled_at = :now, disabled_reason = :reason, updated_at = :now
                            WHERE endpoint_id = :endpointId AND disabled_at IS NULL AND failing_since <= :cutoff`,
    disable: `UPDATE ${endpointState} SET disabled_at = :now, disabled_reason = :reason, updated_at = :now
              WHERE endpoint_id = :endpointId AND disabled_at IS NULL`,
    enable: `UPDATE ${endpointState}
             SET disabled_at = NULL, disabled_reason = NULL, paused_until = NULL, failing_since = NULL, updated_at = :now
             WHERE endpoint_id = :endpointId`,
    failWithoutAttempt: `UPDATE ${delivery}
                         SET status = 'failed', failure_reason = :reason, last_error = :error, locked_until = NULL,
                             lock_token = NULL, updated_at = :now, completed_at = :now
                         WHERE id = :deliveryId AND lock_token = :lockToken`,
    release: `UPDATE ${delivery} SET locked_until = NULL, lock_token = NULL WHERE id = :deliveryId AND lock_token = :lockToken`,
    // Leases held by a live worker are renewed while it holds them; a dead worker's lapse within one leaseDuration.
    // By key, skipping rows another transaction holds (one being recorded, or claimed away): a renewal never waits,
    // so it can never be one side of a deadlock. SKIP LOCKED: PostgreSQL and MySQL/MariaDB (SQLite renews one by one).
    renewable: `SELECT id, lock_token FROM ${delivery} WHERE id IN (:...deliveryIds) AND status = 'pending' FOR UPDATE SKIP LOCKED`,
    renew: `UPDATE ${delivery} SET locked_until = :lockedUntil WHERE id IN (:...deliveryIds)`,
    renewOne: `UPDATE ${delivery} SET locked_until = :lockedUntil WHERE id = :deliveryId AND lock_token = :lockToken AND status = 'pending'`,
  };
}

export type PortableStatements = ReturnType<typeof portableStatements>;
