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
function grantable(wanted: number, used: number, limit: number): number {
  return Math.max(0, Math.min(wanted, limit - used));
}

/** Tries to take sends this many times against concurrent instances before giving up for this round. */
const RATE_WINDOW_TRIES = 5;

/** How a store runs the statements: `run` returns the rows changed, `read` the rows read. */
export interface RateWindowRunner {
  run(sql: string, parameters: Record<string, unknown>): Promise<number>;
  read(sql: string, parameters: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
}

/**
 * Takes up to `wanted` sends of `limit` from the endpoint's window starting at `window`, the same way on every
 * store: move the window forward if it is older, read what it granted, take the rest conditionally, and read again
 * if another instance took some meanwhile. The endpoint's state row must exist (`ensure` first).
 */
export async function takeFromWindow(
  statements: RateWindowStatements,
  runner: RateWindowRunner,
  { endpointId, window, limit, wanted }: { endpointId: string; window: number; limit: number; wanted: number },
): Promise<number> {
  await runner.run(statements.roll, { endpointId, window });
  for (let attempt = 0; attempt < RATE_WINDOW_TRIES; attempt++) {
    const [row] = await runner.read(statements.used, { endpointId, window });
    if (!row) return 0; // another instance's clock is ahead: its window is later than ours
    const granted = grantable(wanted, Number(row.rate_used), limit);
    if (granted === 0) return 0;
    if ((await runner.run(statements.take, { endpointId, window, granted, limit })) === 1) return granted;
  }
  return 0;
}
