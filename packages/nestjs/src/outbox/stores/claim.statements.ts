import { requestChangesOf } from '../pending-delivery.js';
import type { ClaimedDelivery, ClaimRequest } from '../outbox-store.js';
import type { OutboxTables } from '../outbox-tables.js';

/**
 * How many due rows a claim looks at (and locks) to fill its batch while honouring the per-endpoint cap. When the
 * cap cannot bind, the batch itself: each row looked at is locked, and a lock is a write.
 */
export function claimScanLimit(request: ClaimRequest): number {
  return request.perEndpoint >= request.limit ? request.limit : request.limit * 4;
}

/**
 * From candidates in due order, the ids to claim: at most `perEndpoint` per endpoint and `limit` in all. Used by
 * the dialects that pick in the application (PostgreSQL does it in its claim statement).
 */
export function pickPerEndpoint(
  candidates: ReadonlyArray<{ id: string; endpoint_id: string }>,
  request: ClaimRequest,
): string[] {
  const taken = new Map<string, number>();
  const picked: string[] = [];
  for (const row of candidates) {
    if (picked.length >= request.limit) break;
    const count = taken.get(row.endpoint_id) ?? 0;
    if (count >= request.perEndpoint) continue;
    taken.set(row.endpoint_id, count + 1);
    picked.push(row.id);
  }
  return picked;
}

/**
 * The condition that an ordered delivery (`d`) has no earlier one of its row still pending for its endpoint, so a
 * row's events go out one after the other; unordered deliveries (no ordering key) are never held.
 */
export function waitsForNoEarlier(delivery: string): string {
  return `(d.ordering_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM ${delivery} earlier
            WHERE earlier.endpoint_id = d.endpoint_id AND earlier.ordering_key = d.ordering_key
              AND earlier.sequence < d.sequence AND earlier.status = 'pending'))`;
}

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/**
 * The claim of the dialects without UPDATE ... RETURNING (MySQL/MariaDB, SQLite), in `?` form: read the paused
 * endpoints, select candidates (`lockClause` locks them where the dialect can), lease the picked ids, read them back
 * with their events (a LEFT JOIN: a leased delivery must come back even if its event is gone, or its lease would
 * strand it). Paused endpoints are read apart, with a plain read: inside a locking SELECT, SKIP LOCKED could
 * skip a state row another claim holds and so miss its pause.
 */
export function claimStatements({ delivery, event, endpointState }: OutboxTables, lockClause: string) {
  return {
    pausedEndpoints: `SELECT endpoint_id FROM ${endpointState} WHERE paused_until > ?`,
    candidates: (excluded: number) =>
      `SELECT id, endpoint_id FROM ${delivery} d
       WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
         ${excluded > 0 ? `AND endpoint_id NOT IN (${placeholders(excluded)})` : ''}
         AND ${waitsForNoEarlier(delivery)}
       ORDER BY next_attempt_at
       LIMIT ?
       ${lockClause}`,
    lease: (ids: number) =>
      `UPDATE ${delivery} SET locked_until = ?, lock_token = ? WHERE id IN (${placeholders(ids)})`,
    claimed: (ids: number) =>
      `SELECT d.id, d.event_id, d.endpoint_id, d.attempts, d.series_start, d.locked_until, e.type, e.payload, e.source_id,
              e.occurred_at, e.trace_context, s.disabled_at, s.disabled_reason, d.payload AS own_payload, d.request
       FROM ${delivery} d
       LEFT JOIN ${event} e ON e.id = d.event_id
       LEFT JOIN ${endpointState} s ON s.endpoint_id = d.endpoint_id
       WHERE d.id IN (${placeholders(ids)})
       ORDER BY d.next_attempt_at`,
  };
}

/**
 * The endpoints whose state a fan-out's claim must honour, as the claim statement does: paused ones (`paused` 1:
 * not claimed) and disabled ones (`disabled_reason` set: claimed, to be failed untried). `now` is the dialect's
 * named placeholder.
 */
export function endpointHoldsStatement({ endpointState }: OutboxTables, now: string): string {
  return `SELECT endpoint_id, CASE WHEN paused_until > ${now} THEN 1 ELSE 0 END AS paused,
            CASE WHEN disabled_at IS NULL THEN NULL ELSE COALESCE(disabled_reason, 'disabled') END AS disabled_reason
          FROM ${endpointState} WHERE paused_until > ${now} OR disabled_at IS NOT NULL`;
}

/** Maps a row of any dialect's claim query; drivers return BIGINT columns as strings. */
export function claimedDeliveryFromRow(row: Record<string, unknown>): ClaimedDelivery {
  return {
    id: String(row.id),
    eventId: String(row.event_id),
    endpointId: String(row.endpoint_id),
    attempts: Number(row.attempts),
    attemptsInSeries: Number(row.attempts) - Number(row.series_start),
    lockedUntil: Number(row.locked_until),
    eventType: row.type == null ? null : String(row.type),
    // A transformed delivery's own body of record; a missing event still fails it (its type is gone with it).
    payload: row.own_payload != null ? String(row.own_payload) : row.payload == null ? null : String(row.payload),
    sourceId: row.source_id == null ? null : String(row.source_id),
    occurredAt: row.occurred_at == null ? null : Number(row.occurred_at),
    traceContext: row.trace_context == null ? null : String(row.trace_context),
    endpointDisabledReason: row.disabled_at == null ? null : String(row.disabled_reason ?? 'disabled'),
    ...requestChangesOf({
      payload: row.own_payload == null ? null : String(row.own_payload),
      request: row.request == null ? null : String(row.request),
    }),
  };
}
