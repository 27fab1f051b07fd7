import type { DataSource, EntityManager } from 'typeorm';
import { postgresPool } from '../../compat/typeorm-compat.js';
import type {
  AttemptRecord,
  ClaimedDelivery,
  ClaimRequest,
  EventRouter,
  FanOutClaim,
  FanOutResult,
} from '../outbox-store.js';
import { endpointHoldsFromRows, type PlannedDelivery } from '../fan-out.plan.js';
import { UNFANNED_EVENT_COLUMNS } from './unfanned-event.columns.js';
import { attemptRow, deliveryColumnsAfterAttempt } from './attempt-record.columns.js';
import {
  claimedDeliveryFromRow,
  claimScanLimit,
  endpointHoldsStatement,
  waitsForNoEarlier,
} from './claim.statements.js';
import { type FanOutWrites, TypeOrmOutboxStore, waitingStatement } from './typeorm-outbox.store.js';
import { type PooledRun, PooledStatements } from './postgres-pooled.statements.js';
import { retryingDeadlocks } from './deadlock-retry.js';

/**
 * PostgreSQL: one statement claims a batch and returns it with its events. The candidates are locked with SKIP
 * LOCKED, so concurrent relays claim disjoint batches without waiting; a window over them keeps at most
 * `perEndpoint` per endpoint; paused endpoints are skipped. A lapsed lease (locked_until in the past) is
 * claimable again, which is how a crashed worker's deliveries are taken over.
 */
export class PostgresOutboxStore extends TypeOrmOutboxStore {
  /** The claim, the fan-out and the outcomes run on TypeORM's pool without a QueryRunner each (see PooledStatements). */
  private readonly pooled: PooledStatements;
  /** The round's first read, without and with the endpoints' holds (built once: it runs every round). */
  private readonly waiting: { alone: string; withHolds: string };

  constructor(dataSource: DataSource) {
    super(dataSource);
    this.pooled = new PooledStatements(postgresPool(dataSource));
    const alone = waitingStatement(this.tables);
    this.waiting = { alone, withHolds: `${alone} UNION ALL ${endpointHoldsStatement(this.tables, '$1')}` };
  }

  async claimDeliveries(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const { delivery, event, endpointState } = this.tables;
    const rows = await this.pooled.rows(
      `WITH candidates AS (
         SELECT d.id, d.endpoint_id, d.next_attempt_at FROM ${delivery} d
         WHERE d.status = 'pending' AND d.next_attempt_at <= $3 AND (d.locked_until IS NULL OR d.locked_until <= $3)
           AND NOT (d.endpoint_id = ANY($5::varchar[]))
           AND NOT EXISTS (SELECT 1 FROM ${endpointState} s WHERE s.endpoint_id = d.endpoint_id AND s.paused_until > $3)
           AND ${waitsForNoEarlier(delivery)}
         ORDER BY d.next_attempt_at
         LIMIT $4
         FOR UPDATE OF d SKIP LOCKED),
       picked AS (
         SELECT id FROM (
           SELECT id, next_attempt_at, row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at) AS n
           FROM candidates) ranked
         WHERE n <= $6
         ORDER BY next_attempt_at
         LIMIT $7),
       claimed AS (
         UPDATE ${delivery} SET locked_until = $1, lock_token = $2
         -- ANY(ARRAY(...)) rather than IN (...): the planner then looks the ids up by key instead of hashing the table.
         WHERE id = ANY(ARRAY(SELECT id FROM picked))
         RETURNING id, event_id, endpoint_id, attempts, series_start, locked_until, next_attempt_at,
                   payload AS own_payload, request)
       SELECT claimed.*, e.type, e.payload, e.source_id, e.occurred_at, e.trace_context, s.disabled_at, s.disabled_reason
       FROM claimed
       LEFT JOIN ${event} e ON e.id = claimed.event_id
       LEFT JOIN ${endpointState} s ON s.endpoint_id = claimed.endpoint_id
       ORDER BY claimed.next_attempt_at`,
      [
        request.lockedUntil,
        request.lockToken,
        request.now,
        claimScanLimit(request),
        request.excludeEndpoints,
        request.perEndpoint,
        request.limit,
      ],
    );
    return rows.map(claimedDeliveryFromRow);
  }

  /**
   * One statement for a batch of outcomes: the records come in as arrays (unnest), the deliveries whose claim still
   * holds are updated, and their attempts are inserted, atomically. Returns which were stored.
   */
  async recordAttempts(records: readonly AttemptRecord[]): Promise<boolean[]> {
    if (records.length === 0) return [];
    const { delivery, attempt } = this.tables;
    const next = records.map(deliveryColumnsAfterAttempt);
    const attempts = records.map(attemptRow);
    const rows = await this.pooled.rows(
      `WITH input AS (
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::int[], $6::bigint[], $7::int[],
                              $8::varchar[], $9::bigint[], $10::bigint[])
           AS i(id, lock_token, status, failure_reason, attempts, next_attempt_at, last_status_code, last_error, updated_at, completed_at)),
       updated AS (
         UPDATE ${delivery} d
         SET status = i.status, failure_reason = i.failure_reason, attempts = i.attempts, next_attempt_at = i.next_attempt_at,
             locked_until = NULL, lock_token = NULL, last_status_code = i.last_status_code, last_error = i.last_error,
             updated_at = i.updated_at, completed_at = i.completed_at
         FROM input i
         WHERE d.id = i.id AND d.lock_token = i.lock_token AND d.id = ANY($1::varchar[])
         RETURNING d.id),
       logged AS (
         INSERT INTO ${attempt} (id, delivery_id, attempt_number, started_at, duration_ms, outcome, status_code, response_excerpt, error, request)
         SELECT a.* FROM unnest($11::varchar[], $12::varchar[], $13::int[], $14::bigint[], $15::int[], $16::varchar[], $17::int[],
                                $18::text[], $19::varchar[], $20::text[])
           AS a(id, delivery_id, attempt_number, started_at, duration_ms, outcome, status_code, response_excerpt, error, request)
         WHERE a.delivery_id IN (SELECT id FROM updated))
       SELECT id FROM updated`,
      [
        records.map((record) => record.deliveryId),
        records.map((record) => record.lockToken),
        next.map((columns) => columns.status),
        next.map((columns) => columns.failureReason),
        next.map((columns) => columns.attempts),
        next.map((columns) => columns.nextAttemptAt),
        next.map((columns) => columns.lastStatusCode),
        next.map((columns) => columns.lastError),
        next.map((columns) => columns.updatedAt),
        next.map((columns) => columns.completedAt),
        attempts.map((row) => row.id),
        attempts.map((row) => row.deliveryId),
        attempts.map((row) => row.attemptNumber),
        attempts.map((row) => row.startedAt),
        attempts.map((row) => row.durationMs),
        attempts.map((row) => row.outcome),
        attempts.map((row) => row.statusCode),
        attempts.map((row) => row.responseExcerpt),
        attempts.map((row) => row.error),
        attempts.map((row) => row.request),
      ],
    );
    const stored = new Set(rows.map((row) => row.id));
    return records.map((record) => stored.has(record.deliveryId));
  }

  protected override readWaiting(now: number | null): Promise<Array<Record<string, unknown>>> {
    return now === null ? this.pooled.rows(this.waiting.alone, []) : this.pooled.rows(this.waiting.withHolds, [now]);
  }

  /**
   * When events likely wait (a commit woke the relay), the look is skipped: the transaction's start, the endpoints'
   * holds and the take go as one simple query (its two numbers written into it), so a commit's fan-out costs three
   * round trips (that, the insert, COMMIT) instead of five. Without events, it is one round trip more than the look.
   */
  override fanOut(
    limit: number,
    now: number,
    route: EventRouter,
    claim?: FanOutClaim,
    likelyWaiting = false,
  ): Promise<FanOutResult> {
    if (!likelyWaiting) return super.fanOut(limit, now, route, claim);
    const begin = [
      RELAY_TRANSACTION_START,
      ...(claim ? [endpointHoldsStatement(this.tables, sqlInteger(now))] : []),
      this.takeStatement(sqlInteger(now), sqlInteger(limit)),
    ].join('; ');
    return this.relayTransaction(begin, (run, begun) =>
      this.fanOutTaken(begun.at(-1)!, this.writes(run), {
        route,
        now,
        claim,
        holds: claim ? endpointHoldsFromRows(begun.at(-2)!) : undefined,
      }),
    );
  }

  protected fanOutTransaction<T>(work: (writes: FanOutWrites) => Promise<T>): Promise<T> {
    return this.relayTransaction(RELAY_TRANSACTION_START, (run) => work(this.writes(run)));
  }

  /** A relay transaction on the pool, begun by `begin` and run again if it loses a deadlock. */
  private relayTransaction<T>(
    begin: string,
    work: (run: PooledRun, begun: Array<Array<Record<string, unknown>>>) => Promise<T>,
  ): Promise<T> {
    return retryingDeadlocks(() => this.pooled.transaction(begin, work));
  }

  /** The fan-out's writes on the transaction's connection. */
  private writes(run: PooledRun): FanOutWrites {
    return {
      take: (limit, now) => this.takeUnfannedEvents(run, limit, now),
      insert: (deliveries) => this.insertDeliveries(run, deliveries),
    };
  }

  /** One statement takes and marks the events (the fan-out's transaction commits the mark with the deliveries). */
  private takeUnfannedEvents(run: PooledRun, limit: number, now: number): Promise<Array<Record<string, unknown>>> {
    return run(this.takeStatement('$1', '$2'), [now, limit]);
  }

  private takeStatement(now: string, limit: string): string {
    const { event } = this.tables;
    return `UPDATE ${event} SET fanned_out_at = ${now}
       WHERE id = ANY(ARRAY(
         SELECT id FROM ${event} WHERE fanned_out_at IS NULL ORDER BY occurred_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED))
       RETURNING ${UNFANNED_EVENT_COLUMNS}`;
  }

  /**
   * The relay's own transactions do not wait for their commit to reach disk (SET LOCAL: this transaction only, never
   * the application's). A database crash can then forget the last moments of relay bookkeeping, which only means
   * doing it again: an event fanned out again (its deliveries were forgotten with it), or a delivery sent again
   * after its lease lapses, which receivers already deduplicate by `webhook-id`.
   *
   * Begun with its settings in one round trip: TypeORM's `startTransaction` takes two or three, and this runs for
   * every fan-out (and the relay's raw statements have no entity listeners to tell).
   *
   * Bitmap scans and sorts are off in them: statistics taken before a backlog arrived (or by an ANALYZE while every
   * event was fanned out) estimate one or a few events waiting, and the take then read and sorted the whole backlog
   * (a bitmap scan, or IDX_webhook_event_pending, + a sort: 4-11 ms a round at 17,000 waiting, auto_explain) instead
   * of walking IDX_webhook_event_unfanned in order to its LIMIT. A statement that needs a sort still gets one.
   */
  protected override async runTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.query(RELAY_TRANSACTION_START);
      let result: T;
      try {
        result = await work(runner.manager);
      } catch (error) {
        // The work's error is the one to report; a connection too broken to roll back is discarded by the pool.
        await runner.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      await runner.query('COMMIT');
      return result;
    } finally {
      await runner.release();
    }
  }

  /** Inserts the deliveries in one statement, skipping existing ones; answers which claimed ones it inserted. */
  private async insertDeliveries(
    run: PooledRun,
    deliveries: readonly PlannedDelivery[],
  ): Promise<(deliveryId: string) => boolean> {
    const column = <K extends keyof PlannedDelivery>(key: K) => deliveries.map((delivery) => delivery[key]);
    const claimed = deliveries.find((delivery) => delivery.lockToken !== null);
    // Claimed rows share one lease, passed once; the inserted ones come back so a claim of a row that already
    // existed is not sent.
    const inserted = await run(
      `WITH inserted AS (
         INSERT INTO ${this.tables.delivery}
           (id, event_id, endpoint_id, tenant, ordering_key, sequence, status, attempts, next_attempt_at, created_at, updated_at,
            locked_until, lock_token, payload, request)
         SELECT id, event_id, endpoint_id, tenant, ordering_key, sequence, 'pending', 0, $7, $7, $7,
                CASE WHEN claimed THEN $8::bigint END, CASE WHEN claimed THEN $9::varchar END, payload, request
         FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::bigint[], $10::boolean[],
                     $11::text[], $12::text[])
           AS d(id, event_id, endpoint_id, tenant, ordering_key, sequence, claimed, payload, request)
         ON CONFLICT DO NOTHING
         RETURNING id, lock_token)
       SELECT id FROM inserted WHERE lock_token IS NOT NULL`,
      [
        column('id'),
        column('eventId'),
        column('endpointId'),
        column('tenant'),
        column('orderingKey'),
        column('sequence'),
        deliveries[0]!.createdAt,
        claimed?.lockedUntil ?? null,
        claimed?.lockToken ?? null,
        deliveries.map((delivery) => delivery.lockToken !== null),
        column('payload'),
        column('request'),
      ],
    );
    const ids = new Set(inserted.map((row) => row.id));
    return (deliveryId) => ids.has(deliveryId);
  }
}

/** A number written into a statement: only integers the relay computed itself, checked so nothing else gets in. */
function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`Expected an integer for the statement, got ${value}`);
  return String(value);
}

/** The relay's transactions: see `runTransaction`. */
const RELAY_TRANSACTION_START =
  'START TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit TO OFF; SET LOCAL enable_bitmapscan TO OFF; SET LOCAL enable_sort TO OFF';
