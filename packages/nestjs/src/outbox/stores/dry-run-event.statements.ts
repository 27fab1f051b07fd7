import type { DataSource } from 'typeorm';
import { readRows } from './run-statement.js';
import { outboxTables } from '../outbox-tables.js';

/** An event as a dry run tries it. */
export interface DryRunEvent {
  id: string;
  type: string;
  tenant: string | null;
  payload: string;
  sourceId: string | null;
  occurredAt: number;
}

/** Deliveries of an endpoint looked through for its latest real event (test events are skipped). */
const LATEST_DELIVERIES = 20;

/** Recent fanned-out events looked through for one an endpoint subscribes to. */
export const RECENT_EVENTS = 500;

const columns =
  'e.id AS id, e.type AS type, e.tenant AS tenant, e.payload AS payload, e.source_id AS source_id, e.occurred_at AS occurred_at';

function toEvent(row: Record<string, unknown>): DryRunEvent {
  return {
    id: String(row.id),
    type: String(row.type),
    tenant: row.tenant == null ? null : String(row.tenant),
    payload: String(row.payload),
    sourceId: row.source_id == null ? null : String(row.source_id),
    occurredAt: Number(row.occurred_at),
  };
}

/** The event with this id, or `null`. */
export async function readDryRunEvent(dataSource: DataSource, id: string): Promise<DryRunEvent | null> {
  const { event } = outboxTables(dataSource);
  const [row] = await readRows(dataSource, `SELECT ${columns} FROM ${event} e WHERE e.id = :id`, { id });
  return row ? toEvent(row) : null;
}

/**
 * The event of the latest delivery to `endpointId` that is not of type `skipType` (a test event proves nothing
 * about a filter), among its 20 latest changed deliveries, through the (endpoint_id, updated_at) index.
 */
export async function readLatestDeliveredEvent(
  dataSource: DataSource,
  endpointId: string,
  skipType: string,
): Promise<DryRunEvent | null> {
  const { event, delivery } = outboxTables(dataSource);
  const sql = `SELECT ${columns}
               FROM (SELECT event_id, updated_at FROM ${delivery} WHERE endpoint_id = :endpointId
                     ORDER BY updated_at DESC LIMIT ${LATEST_DELIVERIES}) d
               JOIN ${event} e ON e.id = d.event_id
               WHERE e.type <> :skipType
               ORDER BY d.updated_at DESC
               LIMIT 1`;
  const [row] = await readRows(dataSource, sql, { endpointId, skipType });
  return row ? toEvent(row) : null;
}

/**
 * The ids, types and tenants of the latest 500 fanned-out events, newest first, through the fan-out index: where
 * a dry run looks for an event an endpoint that has received none would be sent.
 */
export async function readRecentEventHeads(
  dataSource: DataSource,
): Promise<Array<{ id: string; type: string; tenant: string | null }>> {
  const { event } = outboxTables(dataSource);
  const sql = `SELECT e.id AS id, e.type AS type, e.tenant AS tenant FROM ${event} e
               WHERE e.fanned_out_at IS NOT NULL ORDER BY e.fanned_out_at DESC LIMIT ${RECENT_EVENTS}`;
  const rows = await readRows(dataSource, sql, {});
  return rows.map((row) => ({
    id: String(row.id),
    type: String(row.type),
    tenant: row.tenant == null ? null : String(row.tenant),
  }));
}
