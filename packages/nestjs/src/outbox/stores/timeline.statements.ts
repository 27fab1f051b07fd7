import type { DataSource } from 'typeorm';
import { readRows } from './run-statement.js';
import type { WebhookAttemptBucket } from '../../deliveries/webhook-delivery-stats.types.js';
import { outboxTables } from '../outbox-tables.js';

/**
 * Attempts per `bucketMs` since `since`, by outcome, through the `started_at` index (only the window's rows, each
 * joined to its delivery by key), with empty buckets filled in. A failed attempt is final when its delivery failed
 * and it is the delivery's latest; any other failed attempt is retrying. `tenant` counts that tenant's only.
 */
export async function readAttemptTimeline(
  dataSource: DataSource,
  since: number,
  until: number,
  bucketMs: number,
  tenant?: string,
): Promise<WebhookAttemptBucket[]> {
  const { attempt, delivery } = outboxTables(dataSource);
  const scoped = tenant === undefined ? '' : ' AND d.tenant = :tenant';
  const sql = `SELECT a.started_at - (a.started_at % :bucket) AS bucket,
                      CASE WHEN a.outcome = 'succeeded' THEN 'succeeded'
                           WHEN d.status = 'failed' AND a.attempt_number = d.attempts THEN 'failed'
                           ELSE 'retrying' END AS outcome,
                      COUNT(*) AS n
               FROM ${attempt} a JOIN ${delivery} d ON d.id = a.delivery_id${scoped}
               WHERE a.started_at >= :since
               GROUP BY 1, 2`;
  const rows = (await readRows(dataSource, sql, { bucket: bucketMs, since, tenant })) as unknown as Array<{
    bucket: unknown;
    outcome: string;
    n: unknown;
  }>;
  const first = since - (since % bucketMs);
  const buckets: WebhookAttemptBucket[] = [];
  for (let at = first; at <= until; at += bucketMs) buckets.push({ at, succeeded: 0, retrying: 0, failed: 0 });
  for (const row of rows) {
    const found = buckets[Math.floor((Number(row.bucket) - first) / bucketMs)];
    const outcome = row.outcome as 'succeeded' | 'retrying' | 'failed';
    if (found && outcome in found) found[outcome] += Number(row.n);
  }
  return buckets;
}
