import type { DataSource } from 'typeorm';
import { type SqliteHandle, type SqliteStatement, sqliteHandle } from '../../compat/typeorm-compat.js';
import type { WebhookFailureReason } from '../entities/webhook-delivery.entity.js';
import { endpointHoldsFromRows, fanOutResult, NOTHING_FANNED_OUT, planFanOut } from '../fan-out.plan.js';
import { UNFANNED_EVENT_COLUMNS, unfannedEventFromRow } from './unfanned-event.columns.js';
import type {
  AttemptRecord,
  ClaimedDelivery,
  ClaimRequest,
  EventRouter,
  FanOutClaim,
  FanOutResult,
  OutboxEventRow,
  OutboxStore,
} from '../outbox-store.js';
import { type OutboxTables, outboxTables } from '../outbox-tables.js';
import { attemptRow, deliveryColumnsAfterAttempt, truncatedError } from './attempt-record.columns.js';
import { eventInsertSql, eventInsertTarget, eventValues } from './event-insert.statements.js';
import { type RateWindowStatements, rateWindowStatements, takeFromWindow } from './rate-window.statements.js';
import {
  endpointHoldsStatement,
  claimedDeliveryFromRow,
  claimScanLimit,
  claimStatements,
  pickPerEndpoint,
} from './claim.statements.js';
import { type ClaimLeaseStatements, claimLeaseStatements } from './claim-lease.statements.js';
import { sqliteWriteLock } from './sqlite-write.lock.js';
import { type EndpointStateStatements, endpointStateStatements } from './endpoint-state.statements.js';

/**
 * SQLite through better-sqlite3. TypeORM gives every caller of such a DataSource one shared connection and query
 * runner, so a relay transaction opened while the application's is open would nest inside it as a savepoint, and
 * the two would commit or roll back each other's work. Instead, each relay operation is one synchronous
 * better-sqlite3 transaction, started only when no transaction is open: nothing else can run until it ends, so it
 * is atomic and isolated. SQLite has a single writer anyway; this is the "claim" of this dialect.
 */
export class SqliteOutboxStore implements OutboxStore {
  private readonly tables: OutboxTables;
  private readonly endpointState: EndpointStateStatements;
  private readonly lease: ClaimLeaseStatements;
  private readonly rateWindow: RateWindowStatements;
  private readonly claim: ReturnType<typeof claimStatements>;
  /** Prepared once per connection: the relay runs the same few statements for every round and every delivery. */
  private readonly statements = new WeakMap<SqliteHandle, Map<string, SqliteStatement>>();

  constructor(private readonly dataSource: DataSource) {
    this.tables = outboxTables(dataSource);
    this.endpointState = endpointStateStatements(this.tables, 'sqlite');
    this.lease = claimLeaseStatements(this.tables);
    this.rateWindow = rateWindowStatements(this.tables);
    // One writer at a time: the immediate transaction is the lock, so candidates need no locking clause.
    this.claim = claimStatements(this.tables, '');
  }

  /**
   * Runs `work` as one immediate transaction once the application has no transaction open and this connection has
   * SQLite's write lock. `work` gets a function returning the prepared statement for a SQL text.
   *
   * The lock is waited for here, between turns of the event loop, rather than by SQLite's busy handler, which sleeps
   * inside the call and so freezes this whole process (measured: up to 3.6 s while other relay processes wrote, on a
   * saturated host): its lease renewals, responses and outcomes would stand still meanwhile, and a lease lapsing
   * then lets another worker send again what this one already sent.
   */
  private async exclusive<T>(work: (sql: (text: string) => SqliteStatement) => T): Promise<T> {
    const db = sqliteHandle(this.dataSource);
    let cache = this.statements.get(db);
    if (!cache) {
      cache = new Map();
      this.statements.set(db, cache);
    }
    const prepared = cache;
    const sql = (text: string) => {
      let statement = prepared.get(text);
      if (!statement) {
        statement = db.prepare(text);
        prepared.set(text, statement);
      }
      return statement;
    };
    // Run in the turn that took the lock, to its end: nothing of this process can slip in between.
    return sqliteWriteLock(db, sql, () => {
      try {
        const result = work(sql);
        sql('COMMIT').run();
        return result;
      } catch (error) {
        if (db.inTransaction) sql('ROLLBACK').run();
        throw error;
      }
    });
  }

  fanOut(limit: number, now: number, route: EventRouter, claim?: FanOutClaim): Promise<FanOutResult> {
    const { event, delivery } = this.tables;
    return this.exclusive((sql) => {
      const rows = sql(
        `SELECT ${UNFANNED_EVENT_COLUMNS} FROM ${event} WHERE fanned_out_at IS NULL ORDER BY occurred_at, id LIMIT ?`,
      ).all(limit);
      if (rows.length === 0) return NOTHING_FANNED_OUT;
      const holds = claim
        ? endpointHoldsFromRows(
            sql(endpointHoldsStatement(this.tables, '@now')).all({ now }) as Array<Record<string, unknown>>,
          )
        : undefined;
      const plan = planFanOut(
        rows.map((row) => unfannedEventFromRow(row as Record<string, unknown>)),
        route,
        now,
        claim,
        holds,
      );
      const insert = sql(
        `INSERT OR IGNORE INTO ${delivery}
           (id, event_id, endpoint_id, tenant, ordering_key, sequence, status, attempts, next_attempt_at, created_at, updated_at,
            locked_until, lock_token, payload, request)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const inserted = new Set<string>();
      for (const row of plan.deliveries) {
        const { changes } = insert.run(
          row.id,
          row.eventId,
          row.endpointId,
          row.tenant,
          row.orderingKey,
          row.sequence,
          now,
          now,
          now,
          row.lockedUntil,
          row.lockToken,
          row.payload,
          row.request,
        );
        if (changes === 1) inserted.add(row.id);
      }
      const markFannedOut = sql(`UPDATE ${event} SET fanned_out_at = ? WHERE id = ?`);
      for (const row of rows as Array<{ id: string }>) markFannedOut.run(now, row.id);
      return fanOutResult(rows.length, plan, (id) => inserted.has(id));
    });
  }

  unfannedEvents(limit: number): Promise<OutboxEventRow[]> {
    return this.exclusive(
      (sql) =>
        sql(
          `SELECT id, type, payload, occurred_at AS occurredAt, source_entity AS sourceEntity, source_id AS sourceId, sequence,
                  trace_context AS traceContext,
                  ordering_key AS orderingKey, tenant
           FROM ${this.tables.event} WHERE fanned_out_at IS NULL ORDER BY occurred_at, id LIMIT ?`,
        ).all(limit) as OutboxEventRow[],
    );
  }

  async importEvents(events: readonly OutboxEventRow[]): Promise<void> {
    if (events.length === 0) return;
    await this.exclusive((sql) => {
      const insert = sql(eventInsertSql('sqlite', eventInsertTarget(this.dataSource), 1, true));
      for (const event of events) insert.run(...eventValues(event));
    });
  }

  async deleteEvents(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.exclusive((sql) => {
      const remove = sql(`DELETE FROM ${this.tables.event} WHERE id = ?`);
      for (const id of ids) remove.run(id);
    });
  }

  claimDeliveries(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const { now } = request;
    return this.exclusive((sql) => {
      const paused = sql(this.claim.pausedEndpoints).all(now) as Array<{ endpoint_id: string }>;
      const excluded = [...request.excludeEndpoints, ...paused.map((row) => row.endpoint_id)];
      const candidates = sql(this.claim.candidates(excluded.length)).all(
        now,
        now,
        ...excluded,
        claimScanLimit(request),
      ) as Array<{
        id: string;
        endpoint_id: string;
      }>;
      const ids = pickPerEndpoint(candidates, request);
      if (ids.length === 0) return [];
      sql(this.claim.lease(ids.length)).run(request.lockedUntil, request.lockToken, ...ids);
      return (sql(this.claim.claimed(ids.length)).all(...ids) as Record<string, unknown>[]).map(claimedDeliveryFromRow);
    });
  }

  /** One synchronous transaction for a batch of outcomes, each fenced by its claim's token. */
  recordAttempts(records: readonly AttemptRecord[]): Promise<boolean[]> {
    const { delivery, attempt } = this.tables;
    return this.exclusive((sql) =>
      records.map((record) => {
        const next = deliveryColumnsAfterAttempt(record);
        const { changes } = sql(
          `UPDATE ${delivery}
           SET status = ?, failure_reason = ?, attempts = ?, next_attempt_at = ?, locked_until = NULL, lock_token = NULL,
               last_status_code = ?, last_error = ?, updated_at = ?, completed_at = ?
           WHERE id = ? AND lock_token = ?`,
        ).run(
          next.status,
          next.failureReason,
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
           (id, delivery_id, attempt_number, started_at, duration_ms, outcome, status_code, response_excerpt, error, request)
         VALUES (@id, @deliveryId, @attemptNumber, @startedAt, @durationMs, @outcome, @statusCode, @responseExcerpt, @error, @request)`,
        ).run(attemptRow(record));
        return true;
      }),
    );
  }

  failWithoutAttempt(
    deliveryId: string,
    lockToken: string,
    reason: WebhookFailureReason,
    error: string,
    now: number,
  ): Promise<boolean> {
    return this.exclusive(
      (sql) =>
        sql(this.lease.failWithoutAttempt).run({ deliveryId, lockToken, reason, error: truncatedError(error), now })
          .changes === 1,
    );
  }

  async releaseClaim(deliveryId: string, lockToken: string): Promise<void> {
    await this.exclusive((sql) => sql(this.lease.release).run({ deliveryId, lockToken }));
  }

  async postponeClaim(deliveryId: string, lockToken: string, dueAt: number): Promise<void> {
    await this.exclusive((sql) => sql(this.lease.postpone).run({ deliveryId, lockToken, dueAt }));
  }

  async takeSends(endpointId: string, window: number, limit: number, wanted: number, now: number): Promise<number> {
    await this.exclusive((sql) => sql(this.endpointState.ensure).run({ endpointId, now }));
    return takeFromWindow(
      this.rateWindow,
      {
        run: (text, parameters) => this.exclusive((sql) => sql(text).run(parameters).changes),
        read: (text, parameters) =>
          this.exclusive((sql) => sql(text).all(parameters) as Array<Record<string, unknown>>),
      },
      { endpointId, window, limit, wanted },
    );
  }

  async renewClaims(
    claims: ReadonlyArray<{ deliveryId: string; lockToken: string }>,
    lockedUntil: number,
  ): Promise<void> {
    if (claims.length === 0) return;
    await this.exclusive((sql) => {
      for (const { deliveryId, lockToken } of claims)
        sql(this.lease.renewOne).run({ deliveryId, lockToken, lockedUntil });
    });
  }

  async pauseEndpoint(endpointId: string, until: number, now: number): Promise<void> {
    await this.exclusive((sql) => {
      sql(this.endpointState.ensure).run({ endpointId, now });
      sql(this.endpointState.pause).run({ endpointId, until, now });
    });
  }

  async noteEndpointSuccess(endpointId: string, now: number): Promise<void> {
    await this.exclusive((sql) => sql(this.endpointState.endStreak).run({ endpointId, now }));
  }

  noteEndpointFailure(
    endpointId: string,
    now: number,
    disableIfFailingSince: number,
    reason: string,
  ): Promise<boolean> {
    return this.exclusive((sql) => {
      sql(this.endpointState.ensure).run({ endpointId, now });
      sql(this.endpointState.startStreak).run({ endpointId, now });
      const { changes } = sql(this.endpointState.disableIfFailingSince).run({
        endpointId,
        now,
        cutoff: disableIfFailingSince,
        reason: truncatedError(reason),
      });
      return changes === 1;
    });
  }

  disableEndpoint(endpointId: string, reason: string, now: number): Promise<boolean> {
    return this.exclusive((sql) => {
      sql(this.endpointState.ensure).run({ endpointId, now });
      return sql(this.endpointState.disable).run({ endpointId, now, reason: truncatedError(reason) }).changes === 1;
    });
  }

  async enableEndpoint(endpointId: string, now: number): Promise<void> {
    await this.exclusive((sql) => {
      sql(this.endpointState.ensure).run({ endpointId, now });
      sql(this.endpointState.enable).run({ endpointId, now });
    });
  }
}
