import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { SqliteStatement } from '../../compat/typeorm-compat.js';

/**
 * The pauses between tries for the write lock, in ms, then the last one over and over: SQLite's own busy handler's
 * (sqliteDefaultBusyCallback), so a relay waiting here is no keener than the application's writers waiting there.
 */
const PAUSES = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];

/**
 * Begins an immediate transaction (SQLite's write lock) on `db`, waiting for it between turns of the event loop:
 * each try is a `BEGIN IMMEDIATE` with the busy timeout set to 0 for it alone, then put back, so SQLite's busy
 * handler never sleeps inside the call. Waits as long as the connection's busy timeout (better-sqlite3: 5 s
 * unless set), then fails with SQLite's own SQLITE_BUSY error, as a call on that connection would. `transaction`
 * runs in the same turn as the `BEGIN`, and must end the transaction before it returns: a promise resolved after the
 * `BEGIN` would let the application's code run first, and start its own transaction inside this one.
 */
export async function sqliteWriteLock<T>(
  db: { readonly inTransaction: boolean },
  sql: (text: string) => SqliteStatement,
  transaction: () => T,
): Promise<T> {
  const started = performance.now();
  for (let tries = 0; ; tries++) {
    // The application's own transaction on this shared connection is waited for the same way.
    while (db.inTransaction) await delay(2);
    const [{ timeout }] = sql('PRAGMA busy_timeout').all() as [{ timeout: number }];
    sql('PRAGMA busy_timeout = 0').run();
    let begun = false;
    try {
      sql('BEGIN IMMEDIATE').run();
      begun = true;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || performance.now() - started >= timeout) throw error;
    } finally {
      sql(`PRAGMA busy_timeout = ${Number(timeout)}`).run();
    }
    if (begun) return transaction();
    await delay(PAUSES[Math.min(tries, PAUSES.length - 1)]);
  }
}
