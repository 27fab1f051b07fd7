import type { OutboxTables } from '../outbox-tables.js';

/**
 * What a worker does with a claim besides recording an attempt: fail it untried, give it back, renew it. Fenced by
 * the claim's lock token, so a worker whose claim passed to another changes nothing. The same text on every
 * dialect, with `:name` parameters.
 */
export function claimLeaseStatements({ delivery }: OutboxTables) {
  return {
    failWithoutAttempt: `UPDATE ${delivery}
                         SET status = 'failed', failure_reason = :reason, last_error = :error, locked_until = NULL,
                             lock_token = NULL, updated_at = :now, completed_at = :now
                         WHERE id = :deliveryId AND lock_token = :lockToken`,
    release: `UPDATE ${delivery} SET locked_until = NULL, lock_token = NULL WHERE id = :deliveryId AND lock_token = :lockToken`,
    postpone: `UPDATE ${delivery} SET locked_until = NULL, lock_token = NULL, next_attempt_at = :dueAt
               WHERE id = :deliveryId AND lock_token = :lockToken`,
    // Leases held by a live worker are renewed while it holds them; a dead worker's lapse within one leaseDuration.
    // By key, skipping rows another transaction holds (one being recorded, or claimed away): a renewal never waits,
    // so it can never be one side of a deadlock. SKIP LOCKED: PostgreSQL and MySQL/MariaDB (SQLite renews one by one).
    renewable: `SELECT id, lock_token FROM ${delivery} WHERE id IN (:...deliveryIds) AND status = 'pending' FOR UPDATE SKIP LOCKED`,
    renew: `UPDATE ${delivery} SET locked_until = :lockedUntil WHERE id IN (:...deliveryIds)`,
    renewOne: `UPDATE ${delivery} SET locked_until = :lockedUntil WHERE id = :deliveryId AND lock_token = :lockToken AND status = 'pending'`,
  };
}

export type ClaimLeaseStatements = ReturnType<typeof claimLeaseStatements>;
