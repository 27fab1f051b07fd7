import type { DataSource } from 'typeorm';
import { escapeQueryWithParameters } from '../../compat/typeorm-compat.js';
import { outboxTables } from '../outbox-tables.js';

/** Attempts in one time bucket, by outcome. */
export interface AttemptBucket {
  /** The bucket's start, epoch ms. */
  at: number;
  succeeded: number;
  failed: number;
}

/**
 * Attempts per `bucketMs` since `since`, by outcome, through the `started_at` index (only the window's rows), with
 * empty buckets filled in. `tenant` counts the attempts of that tenant's deliveries only.
 */
export async function readAttemptTimeline(
  dataSource: DataSource,
  since: number,
  until: number,
  bucketMs: number,
  tenant?: string,
): Promise<AttemptBucket[]> {
  const { attempt, delivery } = outboxTables(dataSource);
  const scoped = tenant === undefined ? '' : ` JOIN ${delivery} d ON d.id = a.delivery_id AND d.tenant = :tenant`;
  const sql = `SELECT a.started_at - (a.started_at % :bucket) AS bucket, a.outcome AS outcome, COUNT(*) AS n
               FROM ${attempt} a${scoped}
               WHERE a.started_at >= :since
               GROUP BY 1, 2`;
  const [query, values] = escapeQueryWithParameters(dataSource, sql, { bucket: bucketMs, since, tenant });
  const rows = (await dataSource.query(query, values)) as Array<{ bucket: unknown; outcome: string; n: unknown }>;
  const first = since - (since % bucketMs);
  const buckets: AttemptBucket[] = [];
  for (let at = first; at <= until; at += bucketMs) buckets.push({ at, succeeded: 0, failed: 0 });
  for (const row of rows) {
    const found = buckets[Math.floor((Number(row.bucket) - first) / bucketMs)];
    if (found && (row.outcome === 'succeeded' || row.outcome === 'failed')) found[row.outcome] += Number(row.n);
  }
  return buckets;
}
