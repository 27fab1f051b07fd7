import type { DataSource } from 'typeorm';
import { readRows } from './run-statement.js';
import { outboxTables } from '../outbox-tables.js';

/**
 * Commit → delivered times (ms) of the latest `sample` deliveries that succeeded at or after `since`, newest first:
 * the time from the event's capture (in the committing transaction) to the success of its delivery, retries
 * included. Read through the `completed_at` index and the event's key, so the cost is the sample's, not the log's.
 */
export async function readDeliveryLatencies(
  dataSource: DataSource,
  since: number,
  sample: number,
  tenant?: string,
): Promise<number[]> {
  const { delivery, event } = outboxTables(dataSource);
  // The limit is a whole number chosen by the caller, inlined: MySQL does not take a bound LIMIT in every client.
  const sql = `SELECT d.completed_at - e.occurred_at AS latency
               FROM ${delivery} d JOIN ${event} e ON e.id = d.event_id
               WHERE d.completed_at >= :since AND d.status = 'succeeded'${tenant === undefined ? '' : ' AND d.tenant = :tenant'}
               ORDER BY d.completed_at DESC
               LIMIT ${Math.max(1, Math.floor(sample))}`;
  const rows = (await readRows(dataSource, sql, { since, tenant })) as unknown as Array<{ latency: unknown }>;
  return rows.map((row) => Math.max(0, Number(row.latency)));
}
