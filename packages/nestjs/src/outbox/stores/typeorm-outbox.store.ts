import type { DataSource, EntityManager } from 'typeorm';
import { escapeQueryWithParameters } from '../../compat/typeorm-compat.js';
import type { WebhookFailureReason } from '../entities/webhook-delivery.entity.js';
import { WebhookEventEntity } from '../entities/index.js';
import {
  type EndpointHolds,
  endpointHoldsFromRows,
  fanOutResult,
  NOTHING_FANNED_OUT,
  type PlannedDelivery,
  planFanOut,
} from '../fan-out.plan.js';
import { type FanOutClaim, type FanOutResult } from '../outbox-store.js';
import { unfannedEventFromRow } from './unfanned-event.columns.js';
import type {
  AttemptRecord,
  ClaimedDelivery,
  ClaimRequest,
  EventRouter,
  OutboxEventRow,
  OutboxStore,
} from '../outbox-store.js';
import { type OutboxTables, outboxTables } from '../outbox-tables.js';
import { truncatedError } from './attempt-record.columns.js';
import { insertEvents } from './event-insert.statements.js';
import { type RateWindowStatements, rateWindowStatements, takeFromWindow } from './rate-window.statements.js';
import { endpointHoldsStatement } from './claim.statements.js';
import { type ClaimLeaseStatements, claimLeaseStatements } from './claim-lease.statements.js';
import { type EndpointStateStatements, endpointStateStatements } from './endpoint-state.statements.js';
import { notifyRelays } from './outbox-notify.statements.js';
import { runStatement } from './run-statement.js';
import { retryingDeadlocks } from './deadlock-retry.js';

/**
 * The store for servers with row locks and a connection pool (PostgreSQL, MySQL, MariaDB): each operation is its
 * own transaction on its own pooled connection, isolated from the application's. The claim and the recording of
 * attempts differ per dialect, so subclasses supply those.
 */
export abstract class TypeOrmOutboxStore implements OutboxStore {
  protected readonly tables: OutboxTables;
  private readonly endpointState: EndpointStateStatements;
  private readonly lease: ClaimLeaseStatements;
  private readonly rateWindow: RateWindowStatements;

  constructor(protected readonly dataSource: DataSource) {
    this.tables = outboxTables(dataSource);
    this.endpointState = endpointStateStatements(
      this.tables,
      dataSource.options.type === 'postgres' ? 'postgres' : 'mysql',
    );
    this.lease = claimLeaseStatements(this.tables);
    this.rateWindow = rateWindowStatements(this.tables);
  }

  abstract claimDeliveries(request: ClaimRequest): Promise<ClaimedDelivery[]>;

  abstract recordAttempts(records: readonly AttemptRecord[]): Promise<boolean[]>;

  async fanOut(limit: number, now: number, route: EventRouter, claim?: FanOutClaim): Promise<FanOutResult> {
    const rows = await this.readWaiting(claim ? now : null);
    if (!rows.some((row) => row.endpoint_id === null)) return NOTHING_FANNED_OUT;
    const holds = endpointHoldsFromRows(rows.filter((row) => row.endpoint_id !== null));
    return this.fanOutTransaction(async (writes) =>
      this.fanOutTaken(await writes.take(limit, now), writes, { route, now, claim, holds }),
    );
  }

  /** Plans the deliveries of the events a fan-out's transaction took, and inserts them there. */
  protected async fanOutTaken(
    taken: ReadonlyArray<Record<string, unknown>>,
    writes: Pick<FanOutWrites, 'insert'>,
    { route, now, claim, holds }: { route: EventRouter; now: number; claim?: FanOutClaim; holds?: EndpointHolds },
  ): Promise<FanOutResult> {
    const events = taken.map(unfannedEventFromRow);
    const plan = planFanOut(events, route, now, claim, holds);
    // The (event, endpoint) unique key makes a repeated fan-out insert nothing rather than a duplicate send.
    const inserted = plan.deliveries.length > 0 ? await writes.insert(plan.deliveries) : () => false;
    return fanOutResult(events.length, plan, inserted);
  }

  /**
   * Whether events wait to be fanned out (a row without an endpoint), and with `now` the endpoints' holds in the
   * same read. Most rounds under load only claim: one indexed read instead of an empty transaction.
   */
  protected readWaiting(now: number | null): Promise<Array<Record<string, unknown>>> {
    return now === null
      ? this.dataSource.query(waitingStatement(this.tables))
      : this.query(
          this.dataSource.manager,
          `${waitingStatement(this.tables)} UNION ALL ${endpointHoldsStatement(this.tables, ':now')}`,
          { now },
        );
  }

  /**
   * Runs the fan-out's writes in one transaction: `take` locks up to `limit` events not fanned out yet, oldest
   * first, skipping those another relay holds (SKIP LOCKED: concurrent relays take different events instead of
   * queueing), and marks them fanned out, a mark that commits only with their deliveries; `insert` creates the
   * deliveries in one statement, skipping any that exist, and answers whether each claimed one was inserted.
   */
  protected abstract fanOutTransaction<T>(work: (writes: FanOutWrites) => Promise<T>): Promise<T>;

  /** A `:name`-parameterised query through `manager`, rewritten for the dialect by TypeORM's driver. */
  protected query<T = unknown>(manager: EntityManager, sql: string, parameters: Record<string, unknown>): Promise<T> {
    const [query, values] = escapeQueryWithParameters(this.dataSource, sql, parameters);
    return manager.query(query, values);
  }

  async unfannedEvents(limit: number): Promise<OutboxEventRow[]> {
    const events = await this.dataSource
      .createQueryBuilder(WebhookEventEntity, 'event')
      .where('event.fannedOutAt IS NULL')
      .orderBy('event.occurredAt', 'ASC')
      .addOrderBy('event.id', 'ASC')
      .limit(limit)
      .getMany();
    return events.map(({ fannedOutAt: _fannedOut, ...row }) => row);
  }

  async importEvents(events: readonly OutboxEventRow[]): Promise<void> {
    if (events.length === 0) return;
    await insertEvents(this.dataSource.manager, events, { ifAbsent: true });
  }

  async deleteEvents(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(WebhookEventEntity)
      .whereInIds([...ids])
      .callListeners(false)
      .execute();
  }

  async failWithoutAttempt(
    deliveryId: string,
    lockToken: string,
    reason: WebhookFailureReason,
    error: string,
    now: number,
  ): Promise<boolean> {
    const affected = await this.run(this.dataSource.manager, this.lease.failWithoutAttempt, {
      deliveryId,
      lockToken,
      reason,
      error: truncatedError(error),
      now,
    });
    return affected === 1;
  }

  async releaseClaim(deliveryId: string, lockToken: string): Promise<void> {
    await this.run(this.dataSource.manager, this.lease.release, { deliveryId, lockToken });
  }

  async postponeClaim(deliveryId: string, lockToken: string, dueAt: number): Promise<void> {
    await this.run(this.dataSource.manager, this.lease.postpone, { deliveryId, lockToken, dueAt });
  }

  async takeSends(endpointId: string, window: number, limit: number, wanted: number, now: number): Promise<number> {
    const manager = this.dataSource.manager;
    await this.run(manager, this.endpointState.ensure, { endpointId, now });
    return takeFromWindow(
      this.rateWindow,
      {
        run: (sql, parameters) => this.run(manager, sql, parameters),
        read: (sql, parameters) => manager.query(...escapeQueryWithParameters(this.dataSource, sql, parameters)),
      },
      { endpointId, window, limit, wanted },
    );
  }

  async renewClaims(
    claims: ReadonlyArray<{ deliveryId: string; lockToken: string }>,
    lockedUntil: number,
  ): Promise<void> {
    if (claims.length === 0) return;
    const tokens = new Map(claims.map(({ deliveryId, lockToken }) => [deliveryId, lockToken]));
    await this.transaction(async (manager) => {
      const rows = await this.query<Array<{ id: string; lock_token: string | null }>>(manager, this.lease.renewable, {
        deliveryIds: [...tokens.keys()],
      });
      const deliveryIds = rows
        .filter((row) => tokens.get(String(row.id)) === row.lock_token)
        .map((row) => String(row.id));
      if (deliveryIds.length > 0) await this.run(manager, this.lease.renew, { deliveryIds, lockedUntil });
    });
  }

  async pauseEndpoint(endpointId: string, until: number, now: number): Promise<void> {
    await this.transaction(async (manager) => {
      await this.run(manager, this.endpointState.ensure, { endpointId, now });
      await this.run(manager, this.endpointState.pause, { endpointId, until, now });
    });
  }

  async noteEndpointSuccess(endpointId: string, now: number): Promise<void> {
    await this.run(this.dataSource.manager, this.endpointState.endStreak, { endpointId, now });
  }

  async noteEndpointFailure(
    endpointId: string,
    now: number,
    disableIfFailingSince: number,
    reason: string,
  ): Promise<boolean> {
    return this.transaction(async (manager) => {
      await this.run(manager, this.endpointState.ensure, { endpointId, now });
      await this.run(manager, this.endpointState.startStreak, { endpointId, now });
      const disabled = await this.run(manager, this.endpointState.disableIfFailingSince, {
        endpointId,
        now,
        cutoff: disableIfFailingSince,
        reason: truncatedError(reason),
      });
      return disabled === 1;
    });
  }

  async disableEndpoint(endpointId: string, reason: string, now: number): Promise<boolean> {
    return this.transaction(async (manager) => {
      await this.run(manager, this.endpointState.ensure, { endpointId, now });
      return (
        (await this.run(manager, this.endpointState.disable, { endpointId, now, reason: truncatedError(reason) })) === 1
      );
    });
  }

  async enableEndpoint(endpointId: string, now: number): Promise<void> {
    await this.transaction(async (manager) => {
      await this.run(manager, this.endpointState.ensure, { endpointId, now });
      await this.run(manager, this.endpointState.enable, { endpointId, now });
      // Its deliveries held by a pause are due now: wake relays that sleep until their next known due time.
      await notifyRelays(manager);
    });
  }

  /**
   * The relay's own transactions run at READ COMMITTED: under MySQL's default REPEATABLE READ, the fan-out's
   * locking read takes gap locks on the event index, and the application's insert of a new event into that gap
   * then deadlocks with it (the application's transaction is the one rolled back). PostgreSQL's default already is
   * READ COMMITTED.
   */
  protected runTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', work);
  }

  /**
   * A relay transaction, run again when the database chose it as a deadlock's victim (it was rolled back whole, so
   * running it again is what it would have done). MariaDB picks victims among a worker recording outcomes and
   * another claiming beside it; without this the outcome was lost and the delivery sent again a lease later.
   */
  protected transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return retryingDeadlocks(() => this.runTransaction(work));
  }

  /** Runs one `:name`-parameterised statement; returns the rows it changed. */
  private run(manager: EntityManager, sql: string, parameters: Record<string, unknown>): Promise<number> {
    return runStatement(this.dataSource, manager, sql, parameters);
  }
}

/** The fan-out's two writes, inside its transaction (see `TypeOrmOutboxStore.fanOutTransaction`). */
export interface FanOutWrites {
  take(limit: number, now: number): Promise<Array<Record<string, unknown>>>;
  insert(deliveries: readonly PlannedDelivery[]): Promise<(deliveryId: string) => boolean>;
}

/** One row without an endpoint if any event waits to be fanned out (the holds' columns, for a UNION with them). */
export function waitingStatement({ event }: OutboxTables): string {
  return `SELECT NULL AS endpoint_id, NULL AS paused, NULL AS disabled_reason
          FROM (SELECT 1 AS one FROM ${event} WHERE fanned_out_at IS NULL LIMIT 1) waiting`;
}
