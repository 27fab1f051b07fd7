import type { AttemptRecord } from '../outbox-store.js';

/** The delivery columns an attempt record sets, the same for every store. */
export function deliveryColumnsAfterAttempt(record: AttemptRecord) {
  return {
    status: record.next.status,
    attempts: record.attemptNumber,
    nextAttemptAt: record.next.status === 'pending' ? record.next.nextAttemptAt : record.now,
    lockedUntil: null,
    lockToken: null,
    lastStatusCode: record.statusCode,
    lastError: record.error === null ? null : record.error.slice(0, 1000),
    updatedAt: record.now,
    completedAt: record.next.status === 'pending' ? null : record.now,
  };
}
