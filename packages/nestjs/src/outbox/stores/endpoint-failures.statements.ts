import type { DataSource } from 'typeorm';
import { readRows } from './run-statement.js';
import type { WebhookEndpointFailureCount } from '../../deliveries/webhook-delivery-stats.types.js';
import { outboxTables } from '../outbox-tables.js';

/**
 * The `limit` endpoints with the most failed attempts since `since` (only those with at least one), most first,
 * through the `started_at` index: the window's attempts only, each joined to its delivery by key.
 */
export async function readEndpointFailures(
  dataSource: DataSource,
  since: number,
  limit: number,
  tenant?: string,
): Promise<WebhookEndpointFailureCount[]> {
  const { attempt, delivery } = outboxTables(dataSource);
  const failed = "SUM(CASE WHEN a.outcome = 'failed' THEN 1 ELSE 0 END)";
  // The limit is a whole number chosen by the caller, inlined: MySQL does not take a bound LIMIT in every client.
  const sql = `SELECT d.endpoint_id AS endpoint_id, ${failed} AS failed, COUNT(*) AS attempts
               FROM ${attempt} a JOIN ${delivery} d ON d.id = a.delivery_id${tenant === undefined ? '' : ' AND d.tenant = :tenant'}
               WHERE a.started_at >= :since
               GROUP BY d.endpoint_id
               HAVING ${failed} > 0
               ORDER BY 2 DESC, 1
               LIMIT ${Math.max(1, Math.floor(limit))}`;
  const rows = await readRows(dataSource, sql, { since, tenant });
  return rows.map((row) => ({
    endpointId: String(row.endpoint_id),
    failed: Number(row.failed),
    attempts: Number(row.attempts),
  }));
}
