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
  // The limit is inlined, a whole number of ours: MySQL does not take a bound LIMIT in every client.
  const changed = await readRows(
    dataSource,
    `SELECT id, updated_at FROM ${delivery} WHERE endpoint_id = :endpointId AND updated_at >= :since
     ORDER BY updated_at DESC LIMIT ${limit}`,
    { endpointId, since },
  );
  const capped = changed.length >= limit;
  const from = capped ? Math.min(...changed.map((row) => Number(row.updated_at))) + 1 : since;
  if (changed.length === 0) return { from, capped, attempts: [] };
  // By the deliveries' keys, in a second statement: joined in one, planners may read the window's every attempt.
  const rows = await readRows(
    dataSource,
    `SELECT started_at, duration_ms, outcome FROM ${attempt} WHERE delivery_id IN (:...ids) AND started_at >= :from`,
    { ids: changed.map((row) => String(row.id)), from },
  );
  const attempts = rows.map((row) => ({
    startedAt: Number(row.started_at),
    durationMs: Number(row.duration_ms),
    succeeded: row.outcome === 'succeeded',
  }));
  return { from, capped, attempts };
}
