import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from '../outbox/stores/insert-if-absent.js';

/** The running chain of SQLite transactions per DataSource. */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs `work` in a transaction of its own. With SQLite, TypeORM gives every caller of a DataSource the same single
 * connection, so two transactions started concurrently in one process nest as savepoints: one's rollback undoes the
 * other and both see each other's writes. Inbound webhooks are therefore queued one at a time per DataSource there;
 * SQLite takes one writer at a time anyway. PostgreSQL and MySQL take a pooled connection per transaction.
 */
export function runInOwnTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dialectOf(dataSource) !== 'sqlite') return dataSource.transaction(work);
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const next = previous.then(
    () => dataSource.transaction(work),
    () => dataSource.transaction(work),
  );
  // The chain must not hold a rejection, or the next caller would see this caller's error.
  sqliteQueues.set(dataSource, next.catch(() => undefined));
  return next;
}
