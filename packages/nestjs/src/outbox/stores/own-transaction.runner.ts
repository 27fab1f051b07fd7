import { setTimeout as delay } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from './sql-dialect.js';

/** Tries of a SQLite transaction refused as busy (about 5 s of pauses in all, like a busy timeout). */
const BUSY_TRIES = 10;

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

/**
 * Like `runInOwnTransaction`, for a transaction that reads before it writes: on SQLite, another process's writer
 * makes its write fail at once with SQLITE_BUSY (the busy handler cannot wait there without a deadlock), so the
 * whole transaction is tried again after a growing pause. Several processes starting together all write this way.
 */
export async function runInOwnTransactionRetriedWhileBusy<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await runInOwnTransaction(dataSource, work);
    } catch (error) {
      if (tries >= BUSY_TRIES || !isSqliteBusy(error)) throw error;
      await delay(10 * 2 ** Math.min(tries, 6) * (0.5 + Math.random()));
    }
  }
}

function isSqliteBusy(error: unknown): boolean {
  const codeOf = (value: unknown) => String((value as { code?: unknown } | undefined)?.code ?? '');
  return [codeOf(error), codeOf((error as { driverError?: unknown })?.driverError)].some((code) =>
    code.startsWith('SQLITE_BUSY'),
  );
}
