import { newOutboxId } from '../outbox-ids.js';
import type { AttemptRecord } from '../outbox-store.js';

const MAX_ERROR_LENGTH = 1000;

function truncatedError(record: AttemptRecord): string | null {
  return record.error === null ? null : record.error.slice(0, MAX_ERROR_LENGTH);
}

/** The delivery columns an attempt record sets; one definition for every store. */
export function deliveryColumnsAfterAttempt(record: AttemptRecord) {
  return {
    status: record.next.status,
    attempts: record.attemptNumber,
    nextAttemptAt: record.next.status === 'pending' ? record.next.nextAttemptAt : record.now,
    lockedUntil: null,
    lockToken: null,
    lastStatusCode: record.statusCode,
    lastError: truncatedError(record),
    updatedAt: record.now,
    completedAt: record.next.status === 'pending' ? null : record.now,
  };
}

/** The webhook_attempt row of an attempt record; one definition for every store. */
export function attemptRow(record: AttemptRecord) {
  return {
    id: newOutboxId('att'),
    deliveryId: record.deliveryId,
    attemptNumber: record.attemptNumber,
    startedAt: record.startedAt,
    durationMs: record.durationMs,
    outcome: record.outcome,
    statusCode: record.statusCode,
    responseExcerpt: record.responseExcerpt,
    error: truncatedError(record),
  };
}
