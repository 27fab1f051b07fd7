import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from './sql-dialect.js';

/** The running chain of own transactions (inbox, endpoint writes) per SQLite DataSource. */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs `task` after every inbox operation queued before it on the same SQLite DataSource; elsewhere at once.
 * TypeORM gives every caller of a SQLite DataSource the same single connection, so two transactions started
 * concurrently in one process nest as savepoints (one's rollback undoes the other), and a read issued meanwhile
 * sees the open transaction's uncommitted rows: an inbox check could then call a webhook processed that is about to
 * be rolled back. SQLite takes one writer at a time anyway.
 */
export function runSerialized<T>(dataSource: DataSource, task: () => Promise<T>): Promise<T> {
  if (dialectOf(dataSource) !== 'sqlite') return task();
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const next = previous.then(task, task);
  // The chain must not hold a rejection, or the next caller would see this caller's error.
  sqliteQueues.set(
    dataSource,
    next.catch(() => undefined),
  );
  return next;
}

/**
 * Runs `work` in a transaction of its own: a pooled connection on PostgreSQL and MySQL, the queue of
 * `runSerialized` on SQLite. The first statement of an inbox transaction is its write, so on SQLite it waits for
 * another process's writer through the busy timeout instead of failing.
 */
export function runInOwnTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return runSerialized(dataSource, () => dataSource.transaction(work));
}
