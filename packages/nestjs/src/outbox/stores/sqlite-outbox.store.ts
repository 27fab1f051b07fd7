import { setTimeout as delay } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { newOutboxId } from '../outbox-ids.js';
import type { AttemptRecord, ClaimedDelivery, EventRouter, OutboxStore } from '../outbox-store.js';
import { type OutboxTables, outboxTables } from '../outbox-tables.js';
import { attemptRow, deliveryColumnsAfterAttempt } from './attempt-record.columns.js';

/** The parts of a better-sqlite3 prepared statement this store uses. */
interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}

/** The parts of a better-sqlite3 `Database` this store uses. */
interface SqliteHandle {
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): { immediate(): T };
}

/**
 * SQLite through better-sqlite3. TypeORM gives every caller of such a DataSource one shared connection and query
 * runner, so a relay transaction opened while the application's is open would nest inside it as a savepoint, and
 * the two would commit or roll back each other's work. Instead, each relay operation is one synchronous
 * better-sqlite3 transaction, started only when no transaction is open: nothing else can run until it ends, so it
 * is atomic and isolated. SQLite has a single writer anyway; this is the "claim" of this dialect.
 */
export class SqliteOutboxStore implements OutboxStore {
  private readonly tables: OutboxTables;
  /** Prepared once per connection: the relay runs the same few statements for every round and every delivery. */
  private readonly statements = new WeakMap<SqliteHandle, Map<string, SqliteStatement>>();

  constructor(private readonly dataSource: DataSource) {
    this.tables = outboxTables(dataSource);
  }

  private get handle(): SqliteHandle {
    return (this.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
  }

  /**
   * Runs `work` as one immediate transaction once the application has no transaction open. `work` gets a function
   * returning the prepared statement for a SQL text.
   */
  private async exclusive<T>(work: (sql: (text: string) => SqliteStatement) => T): Promise<T> {
    const db = this.handle;
    while (db.inTransaction) await delay(2);
    let cache = this.statements.get(db);
    if (!cache) this.statements.set(db, (cache = new Map()));
    const sql = (text: string) => {
      let statement = cache.get(text);
      if (!statement) cache.set(text, (statement = db.prepare(text)));
      return statement;
    };
    // No await between the check above and the synchronous transaction below: nothing can slip in between.
    return db.transaction(() => work(sql)).immediate();
  }

  fanOut(limit: number, now: number, route: EventRouter): Promise<number> {
    const { event, delivery } = this.tables;
    return this.exclusive((sql) => {
      const events = sql(`SELECT id, type FROM ${event} WHERE fanned_out_at IS NULL ORDER BY occurred_at LIMIT ?`)
        .all(limit) as Array<{ id: string; type: string }>;
      const insert = sql(
        `INSERT OR IGNORE INTO ${delivery}
           (id, event_id, endpoint_id, status, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, 'pending', 0, ?, ?, ?)`,
      );
      const markFannedOut = sql(`UPDATE ${event} SET fanned_out_at = ? WHERE id = ?`);
      for (const row of events) {
        for (const endpointId of route(row.type)) insert.run(newOutboxId('dlv'), row.id, endpointId, now, now, now);
        markFannedOut.run(now, row.id);
      }
      return events.length;
    });
  }

  claimDeliveries(limit: number, now: number, lockedUntil: number, lockToken: string): Promise<ClaimedDelivery[]> {
    const { event, delivery } = this.tables;
    return this.exclusive((sql) => {
      const claimed = sql(
          `UPDATE ${delivery} SET locked_until = ?, lock_token = ?
           WHERE id IN (
             SELECT id FROM ${delivery}
             WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
             ORDER BY next_attempt_at
             LIMIT ?)
           RETURNING id`,
        )
        .all(lockedUntil, lockToken, now, now, limit) as Array<{ id: string }>;
      if (claimed.length === 0) return [];
      const rows = sql(
          `SELECT d.id, d.event_id AS eventId, d.endpoint_id AS endpointId, d.attempts, d.locked_until AS lockedUntil,
                  e.type AS eventType, e.payload
           FROM ${delivery} d JOIN ${event} e ON e.id = d.event_id
           WHERE d.id IN (${claimed.map(() => '?').join(', ')})
           ORDER BY d.next_attempt_at`,
        )
        .all(...claimed.map((row) => row.id));
      return rows as ClaimedDelivery[];
    });
  }

  recordAttempt(record: AttemptRecord): Promise<boolean> {
    const { delivery, attempt } = this.tables;
    const next = deliveryColumnsAfterAttempt(record);
    return this.exclusive((sql) => {
      const { changes } = sql(
        `UPDATE ${delivery}
           SET status = ?, attempts = ?, next_attempt_at = ?, locked_until = NULL, lock_token = NULL,
               last_status_code = ?, last_error = ?, updated_at = ?, completed_at = ?
           WHERE id = ? AND lock_token = ?`,
        )
        .run(
          next.status,
          next.attempts,
          next.nextAttemptAt,
          next.lastStatusCode,
          next.lastError,
          next.updatedAt,
          next.completedAt,
          record.deliveryId,
          record.lockToken,
        );
      if (changes !== 1) return false;
      sql(
        `INSERT INTO ${attempt}
           (id, delivery_id, attempt_number, started_at, duration_ms, outcome, status_code, response_excerpt, error)
         VALUES (@id, @deliveryId, @attemptNumber, @startedAt, @durationMs, @outcome, @statusCode, @responseExcerpt, @error)`,
      ).run(attemptRow(record));
      return true;
    });
  }

  async releaseClaim(deliveryId: string, lockToken: string): Promise<void> {
    const { delivery } = this.tables;
    await this.exclusive((sql) =>
      sql(`UPDATE ${delivery} SET locked_until = NULL, lock_token = NULL WHERE id = ? AND lock_token = ?`).run(deliveryId, lockToken),
    );
  }
}
