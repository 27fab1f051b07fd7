import type { UnfannedEvent } from '../fan-out.plan.js';

/** The columns fan-out reads of an event, for `unfannedEventFromRow`. */
export const UNFANNED_EVENT_COLUMNS =
  'id, type, tenant, ordering_key, sequence, payload, source_id, occurred_at, trace_context';

/** Maps an event row of any dialect (drivers return BIGINT columns as strings). */
export function unfannedEventFromRow(row: Record<string, unknown>): UnfannedEvent {
  return {
    id: String(row.id),
    type: String(row.type),
    tenant: row.tenant == null ? null : String(row.tenant),
    orderingKey: row.ordering_key == null ? null : String(row.ordering_key),
    sequence: row.sequence == null ? null : Number(row.sequence),
    payload: String(row.payload),
    sourceId: row.source_id == null ? null : String(row.source_id),
    occurredAt: Number(row.occurred_at),
    traceContext: row.trace_context == null ? null : String(row.trace_context),
  };
}
