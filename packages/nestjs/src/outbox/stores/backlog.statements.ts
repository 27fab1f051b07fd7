import type { DataSource } from 'typeorm';
import { outboxTables } from '../outbox-tables.js';
import { readRows as rows } from './run-statement.js';

/** What is waiting, read from the hot rows only. */
export interface OutboxBacklog {
  /** Events committed and not fanned out yet. */
  unfannedEvents: number;
  /** Deliveries waiting for their first attempt or a retry. */
  pending: number;
  /** Of those, due now and not claimed by a worker. */
  due: number;
  /** Of those, claimed by a worker right now. */
  leased: number;
  /** When the oldest due delivery became due (epoch ms), or `null` when none is due. */
  oldestDueAt: number | null;
}

/** How long the backlog's oldest due delivery has waited past its time at `now`, in ms (0 when none is due). */
export function oldestDueLag(backlog: Pick<OutboxBacklog, 'oldestDueAt'>, now: number): number {
  return backlog.oldestDueAt === null ? 0 : Math.max(0, now - backlog.oldestDueAt);
}

/** An endpoint's shared state row (an endpoint without one is active). */
export interface EndpointStateRow {
  endpointId: string;
  pausedUntil: number | null;
  disabledAt: number | null;
  failingSince: number | null;
}

/** Deliveries finished since a time, by outcome. */
export interface CompletedDeliveries {
  succeeded: number;
  failed: number;
}

/**
 * The backlog, cheap however long the history (its two counts read at once): pending deliveries through the `(status, next_attempt_at)` index
 * (only `status = 'pending'` rows are read) and events not fanned out through their own index (partial on
 * PostgreSQL and SQLite), never a scan of the delivery log. `tenant` counts that tenant's deliveries only.
 */
export async function readBacklog(dataSource: DataSource, now: number, tenant?: string): Promise<OutboxBacklog> {
  const { delivery, event } = outboxTables(dataSource);
  const due = 'next_attempt_at <= :now AND (locked_until IS NULL OR locked_until <= :now)';
  const [[deliveries], [events]] = await Promise.all([
    rows(
      dataSource,
      `SELECT COUNT(*) AS pending,
            SUM(CASE WHEN ${due} THEN 1 ELSE 0 END) AS due,
            SUM(CASE WHEN locked_until > :now THEN 1 ELSE 0 END) AS leased,
            MIN(CASE WHEN ${due} THEN next_attempt_at END) AS oldest_due
     FROM ${delivery} WHERE status = 'pending'${tenant === undefined ? '' : ' AND tenant = :tenant'}`,
      { now, tenant },
    ),
    rows(
      dataSource,
      `SELECT COUNT(*) AS unfanned FROM ${event} WHERE fanned_out_at IS NULL${tenant === undefined ? '' : ' AND tenant = :tenant'}`,
      { tenant },
    ),
  ]);
  const count = (value: unknown) => Number(value ?? 0);
  return {
    unfannedEvents: count(events?.unfanned),
    pending: count(deliveries?.pending),
    due: count(deliveries?.due),
    leased: count(deliveries?.leased),
    oldestDueAt: deliveries?.oldest_due == null ? null : Number(deliveries.oldest_due),
  };
}

/** Deliveries completed at or after `since`, through the `completed_at` index: the recent rows only. */
export async function readCompletedSince(
  dataSource: DataSource,
  since: number,
  tenant?: string,
): Promise<CompletedDeliveries> {
  const { delivery } = outboxTables(dataSource);
  const counted = await rows(
    dataSource,
    `SELECT status, COUNT(*) AS n FROM ${delivery}
     WHERE completed_at >= :since${tenant === undefined ? '' : ' AND tenant = :tenant'} GROUP BY status`,
    { since, tenant },
  );
  const of = (status: string) => Number(counted.find((row) => row.status === status)?.n ?? 0);
  return { succeeded: of('succeeded'), failed: of('failed') };
}

/** Every endpoint state row: one per endpoint that was ever paused, failing or disabled, a small table. */
export async function readEndpointStates(dataSource: DataSource): Promise<EndpointStateRow[]> {
  const { endpointState } = outboxTables(dataSource);
  const found = await rows(
    dataSource,
    `SELECT endpoint_id, paused_until, disabled_at, failing_since FROM ${endpointState}`,
    {},
  );
  return found.map((row) => ({
    endpointId: String(row.endpoint_id),
    pausedUntil: row.paused_until == null ? null : Number(row.paused_until),
    disabledAt: row.disabled_at == null ? null : Number(row.disabled_at),
    failingSince: row.failing_since == null ? null : Number(row.failing_since),
  }));
}
