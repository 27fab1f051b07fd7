import { newOutboxId } from '../outbox-ids.js';
import type { AttemptRecord } from '../outbox-store.js';

const MAX_ERROR_LENGTH = 1000;

/** Error texts are kept to the column's size. */
export function truncatedError(error: string | null): string | null {
  return error === null ? null : error.slice(0, MAX_ERROR_LENGTH);
}

/** The delivery columns an attempt record sets; one definition for every store. */
export function deliveryColumnsAfterAttempt(record: AttemptRecord) {
  const { next } = record;
  return {
    status: next.status,
    failureReason: next.status === 'failed' ? next.reason : null,
    attempts: record.attemptNumber,
    nextAttemptAt: next.status === 'pending' ? next.nextAttemptAt : record.now,
    lockedUntil: null,
    lockToken: null,
    lastStatusCode: record.statusCode,
    lastError: truncatedError(record.error),
    updatedAt: record.now,
    completedAt: next.status === 'pending' ? null : record.now,
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
    error: truncatedError(record.error),
    request: record.request,
  };
}
