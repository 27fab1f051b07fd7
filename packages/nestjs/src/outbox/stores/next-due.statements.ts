import type { DataSource } from 'typeorm';
import { outboxTables } from '../outbox-tables.js';
import { waitsForNoEarlier } from './claim.statements.js';
import { readRows } from './run-statement.js';

/**
 * When the outbox next has work for a relay that nothing wakes, in epoch ms: `now` while events wait to be fanned
 * out, otherwise the earliest of a claimable delivery's due time (its endpoint not paused, no earlier delivery of its
 * row pending), a lease lapsing (its worker may have died) and a pause ending. `null` when none of these exists.
 * One statement of four indexed reads; on an idle outbox each finds nothing or a few rows.
 */
export async function readNextDue(dataSource: DataSource, now: number): Promise<number | null> {
  const { delivery, event, endpointState } = outboxTables(dataSource);
  const [row] = await readRows(
    dataSource,
    `SELECT
       (SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${event} WHERE fanned_out_at IS NULL LIMIT 1) waiting) AS unfanned,
       (SELECT MIN(d.next_attempt_at) FROM ${delivery} d
        WHERE d.status = 'pending' AND (d.locked_until IS NULL OR d.locked_until <= :now)
          AND d.endpoint_id NOT IN (SELECT endpoint_id FROM ${endpointState} WHERE paused_until > :now)
          AND ${waitsForNoEarlier(delivery)}) AS next_attempt,
       (SELECT MIN(locked_until) FROM ${delivery} WHERE status = 'pending' AND locked_until > :now) AS lease_lapse,
       (SELECT MIN(paused_until) FROM ${endpointState} WHERE paused_until > :now) AS pause_end`,
    { now },
  );
  if (Number(row?.unfanned ?? 0) > 0) return now;
  const times = [row?.next_attempt, row?.lease_lapse, row?.pause_end]
    .filter((value) => value != null)
    .map((value) => Number(value));
  return times.length === 0 ? null : Math.min(...times);
}
