import type { OutboxTables } from '../outbox-tables.js';

/**
 * Each rate-limited endpoint's send window, shared by every relay instance on the database (`rate_window`, the
 * current window's start, and `rate_used`, the sends it granted), on the endpoint's state row. The same text on
 * every dialect, with `:name` parameters. A window moves forward only: an instance with a slow clock takes nothing.
 */
export function rateWindowStatements({ endpointState }: OutboxTables) {
  return {
    roll: `UPDATE ${endpointState} SET rate_window = :window, rate_used = 0
           WHERE endpoint_id = :endpointId AND (rate_window IS NULL OR rate_window < :window)`,
    used: `SELECT rate_used FROM ${endpointState} WHERE endpoint_id = :endpointId AND rate_window = :window`,
    // Conditional: two instances granting at once cannot both take the last sends; the loser reads again.
    take: `UPDATE ${endpointState} SET rate_used = rate_used + :granted
           WHERE endpoint_id = :endpointId AND rate_window = :window AND rate_used + :granted <= :limit`,
  };
}

export type RateWindowStatements = ReturnType<typeof rateWindowStatements>;

/** How many of `wanted` sends a window with `used` of `limit` taken can still grant. */
export function grantable(wanted: number, used: number, limit: number): number {
  return Math.max(0, Math.min(wanted, limit - used));
}

/** Tries to take sends this many times against concurrent instances before giving up for this round. */
export const RATE_WINDOW_TRIES = 5;
