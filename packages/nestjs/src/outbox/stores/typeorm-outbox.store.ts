import type { DataSource, EntityManager } from 'typeorm';
import type { WebhookFailureReason } from '../entities/webhook-delivery.entity.js';
import { WebhookEventEntity } from '../entities/index.js';
import { pendingDelivery } from '../pending-delivery.js';
import type { AttemptRecord, ClaimedDelivery, ClaimRequest, EventRouter, OutboxEventRow, OutboxStore } from '../outbox-store.js';
import { type OutboxTables, outboxTables } from '../outbox-tables.js';
import { truncatedError } from './attempt-record.columns.js';
import { type PortableStatements, portableStatements } from './portable.statements.js';
import { runStatement } from './run-statement.js';

/** What fan-out reads of an event. */
export interface UnfannedEventRow {
  id: string;
  type: string;
  tenant: string | null;
  ordering_key: string | null;
  /** BIGINT: a string from the driver. */
  sequence: string | number | null;
}

/**
 * The store for servers with row locks and a connection pool (PostgreSQL, MySQL, MariaDB): each operation is its
 * own transaction on its own pooled connection, isolated from the application's. The claim and the recording of
 * attempts differ per dialect, so subclasses supply those.
 */
export abstract class TypeOrmOutboxStore implements OutboxStore {
  protected readonly tables: OutboxTables;
  private readonly statements: PortableStatements;

  constructor(protected readonly dataSource: DataSource) {
    this.tables = outboxTables(dataSource);
    this.statements = portableStatements(this.tables, dataSource.options.type === 'postgres' ? 'postgres' : 'mysql');
  }

  abstract claimDeliveries(request: ClaimRequest): Promise<ClaimedDelivery[]>;

  abstract recordAttempts(records: readonly AttemptRecord[]): Promise<boolean[]>;

  async fanOut(limit: number, now: number, route: EventRouter): Promise<number> {
    // Most rounds under load only claim: one indexed read instead of an empty transaction.
    const waiting: unknown[] = await this.dataSource.query(`SELECT 1 FROM ${this.tables.event} WHERE fanned_out_at IS NULL LIMIT 1`);
    if (waiting.length === 0) return 0;
    return this.transaction(async (manager) => {
      const rows = await this.takeUnfannedEvents(manager, limit, now);
      if (rows.length === 0) return 0;
      const events = rows.map((row) => ({
        id: row.id,
        type: row.type,
        tenant: row.tenant,
        orderingKey: row.ordering_key,
        sequence: row.sequence === null ? null : Number(row.sequence),
      }));
      const deliveries = events.flatMap((event) => route(event).map((endpoint) => pendingDelivery(event, endpoint, now)));
      // The (event, endpoint) unique key makes a repeated fan-out insert nothing rather than a duplicate send.
      if (deliveries.length > 0) await this.insertDeliveries(manager, deliveries);
      return events.length;
    });
  }

  /**
   * Inside the fan-out's transaction: locks up to `limit` events not fanned out yet, oldest first, skipping those
   * another relay holds (SKIP LOCKED: concurrent relays take different events instead of queueing), and marks them
   * fanned out; the mark commits only with their deliveries.
   */
  protected async takeUnfannedEvents(manager: EntityManager, limit: number, now: number): Promise<UnfannedEventRow[]> {
    const { event } = this.tables;
    const rows: UnfannedEventRow[] = await this.query(
      manager,
      `SELECT id, type, tenant, ordering_key, sequence FROM ${event} WHERE fanned_out_at IS NULL
       ORDER BY occurred_at, id LIMIT :limit FOR UPDATE SKIP LOCKED`,
      { limit },
    );
    if (rows.length > 0) await this.query(manager, `UPDATE ${event} SET fanned_out_at = :now WHERE id IN (:...ids)`, { now, ids: rows.map((row) => row.id) });
    return rows;
  }

  /** Inserts new deliveries in one statement, skipping any that exist (same event and endpoint). */
  protected abstract insertDeliveries(manager: EntityManager, deliveries: ReadonlyArray<ReturnType<typeof pendingDelivery>>): Promise<void>;

  /** A `:name`-parameterised query through `manager`, rewritten for the dialect by TypeORM's driver. */
  protected query<T = unknown>(manager: EntityManager, sql: string, parameters: Record<string, unknown>): Promise<T> {
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, parameters);
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
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(WebhookEventEntity)
      .values(events.map((event) => ({ ...event, fannedOutAt: null })))
      .orIgnore()
      .updateEntity(false)
      .callListeners(false)
      .execute();
  }

  async deleteEvents(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.createQueryBuilder().delete().from(WebhookEventEntity).whereInIds([...ids]).callListeners(false).execute();
  }

  async failWithoutAttempt(deliveryId: string, lockToken: string, reason: WebhookFailureReason, error: string, now: number): Promise<boolean> {
    const affected = await this.run(this.dataSource.manager, this.statements.failWithoutAttempt, {
      deliveryId,
      lockToken,
      reason,
      error: truncatedError(error),
      now,
    });
    return affected === 1;
  }

  async releaseClaim(deliveryId: string, lockToken: string): Promise<void> {
    await this.run(this.dataSource.manager, this.statements.release, { deliveryId, lockToken });
  }

  async pauseEndpoint(endpointId: string, until: number, now: number): Promise<void> {
    await this.transaction(async (manager) => {
      await this.run(manager, this.statements.ensure, { endpointId, now });
      await this.run(manager, this.statements.pause, { endpointId, until, now });
    });
  }

  async noteEndpointSuccess(endpointId: string, now: number): Promise<void> {
    await this.run(this.dataSource.manager, this.statements.endStreak, { endpointId, now });
  }

  async noteEndpointFailure(endpointId: string, now: number, disableIfFailingSince: number, reason: string): Promise<boolean> {
    return this.transaction(async (manager) => {
      await this.run(manager, this.statements.ensure, { endpointId, now });
      await this.run(manager, this.statements.startStreak, { endpointId, now });
      const disabled = await this.run(manager, this.statements.disableIfFailingSince, {
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
      await this.run(manager, this.statements.ensure, { endpointId, now });
      return (await this.run(manager, this.statements.disable, { endpointId, now, reason: truncatedError(reason) })) === 1;
    });
  }

  async enableEndpoint(endpointId: string, now: number): Promise<void> {
    await this.transaction(async (manager) => {
      await this.run(manager, this.statements.ensure, { endpointId, now });
      await this.run(manager, this.statements.enable, { endpointId, now });
    });
  }

  /**
   * The relay's own transactions run at READ COMMITTED: under MySQL's default REPEATABLE READ, the fan-out's
   * locking read takes gap locks on the event index, and the application's insert of a new event into that gap
   * then deadlocks with it (the application's transaction is the one rolled back). PostgreSQL's default already is
   * READ COMMITTED.
   */
  protected transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', work);
  }

  /** Runs one `:name`-parameterised statement; returns the rows it changed. */
  private run(manager: EntityManager, sql: string, parameters: Record<string, unknown>): Promise<number> {
    return runStatement(this.dataSource, manager, sql, parameters);
  }
}
