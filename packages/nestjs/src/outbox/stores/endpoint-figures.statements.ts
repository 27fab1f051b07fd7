import type { DataSource } from 'typeorm';
import { readRows } from './run-statement.js';
import { outboxTables } from '../outbox-tables.js';

/** One attempt to an endpoint, as its figures need it. */
export interface EndpointAttemptRow {
  startedAt: number;
  durationMs: number;
  succeeded: boolean;
}

/** The attempts to one endpoint in a window, from its latest changed deliveries (see `readEndpointAttempts`). */
export interface EndpointAttemptSample {
  /** The window's start, moved up when the sample was capped: the figures are exact from here on. */
  from: number;
  /** Whether the endpoint had more deliveries changed in the window than the sample holds. */
  capped: boolean;
  attempts: EndpointAttemptRow[];
}

/**
 * The attempts to `endpointId` started at or after `since`, from its latest `sample` deliveries changed since then,
 * through the (endpoint_id, updated_at) index and each attempt's delivery key: the cost is the sample's, not the
 * log's. Every attempt sets its delivery's `updated_at`, so a delivery left out (changed before the sample's oldest)
 * has no attempt after that time: capped, the window starts just after the sample's oldest change, and is exact.
 */
export async function readEndpointAttempts(
  dataSource: DataSource,
  endpointId: string,
  since: number,
  sample: number,
): Promise<EndpointAttemptSample> {
  const { attempt, delivery } = outboxTables(dataSource);
  const limit = Math.max(1, Math.floor(sample));
  // A derived table, not IN (…): MySQL takes no LIMIT in an IN subquery. The limit is inlined, a whole number of ours.
  const sql = `SELECT d.id AS delivery_id, d.updated_at AS updated_at,
                      a.started_at AS started_at, a.duration_ms AS duration_ms, a.outcome AS outcome
               FROM (SELECT id, updated_at FROM ${delivery}
                     WHERE endpoint_id = :endpointId AND updated_at >= :since
                     ORDER BY updated_at DESC LIMIT ${limit}) d
               LEFT JOIN ${attempt} a ON a.delivery_id = d.id AND a.started_at >= :since`;
  const rows = await readRows(dataSource, sql, { endpointId, since });
  const deliveries = new Set(rows.map((row) => String(row.delivery_id)));
  const capped = deliveries.size >= limit;
  const from = capped ? Math.min(...rows.map((row) => Number(row.updated_at))) + 1 : since;
  const attempts: EndpointAttemptRow[] = [];
  for (const row of rows) {
    if (row.started_at == null || Number(row.started_at) < from) continue;
    attempts.push({
      startedAt: Number(row.started_at),
      durationMs: Number(row.duration_ms),
      succeeded: row.outcome === 'succeeded',
    });
  }
  return { from, capped, attempts };
}
