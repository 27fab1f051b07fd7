import type { OutboxTables } from '../outbox-tables.js';
import { insertIfAbsent, type OutboxDialect } from './sql-dialect.js';

/**
 * The shared health of endpoints (`webhook_endpoint_state`: pauses, failing streaks, disabling), written once with
 * `:name` parameters: TypeORM's driver rewrites them for PostgreSQL and MySQL, better-sqlite3 binds them as they
 * are. Each change first ensures the endpoint's row (`ensure`); only that insert-if-absent differs by dialect.
 */
export function endpointStateStatements({ endpointState }: OutboxTables, dialect: OutboxDialect) {
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
  };
}

export type EndpointStateStatements = ReturnType<typeof endpointStateStatements>;
