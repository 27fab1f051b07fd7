import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type {
  EntityManager,
  EntityMetadata,
  EntitySubscriberInterface,
  InsertEvent,
  ObjectLiteral,
  RecoverEvent,
  RemoveEvent,
  SoftRemoveEvent,
  TransactionCommitEvent,
  TransactionRollbackEvent,
  UpdateEvent,
} from 'typeorm';
import { OutboxWakeSignal } from '../outbox/outbox-wake.signal.js';
import { WebhookCaptureError } from '../errors/webhook-capture.error.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import type { CapturedDataSources } from '../outbox/outbox-data-sources.js';
import { WEBHOOK_CAPTURED_DATA_SOURCES, WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import type { EntityChangeKind } from './entity-change.js';
import { EntityChangeCapture } from './entity-change.capture.js';
import { changedFields, snapshotAfterUpdate, snapshotColumns } from './entity-snapshot.js';
import { KEYED_STATEMENT, reportedByKeyedStatement } from './keyed-statement.capture.js';
import { WebhookDeliveryEvents } from '../telemetry/webhook-delivery.events.js';
import { CAPTURED_IN_TRANSACTION, type CapturedInTransaction } from './outbox-event.writer.js';
import { WebhookMetadataAccessor } from './webhook-metadata.accessor.js';

/** What every entity subscriber event carries: the entity's metadata and the caller's transaction. */
type ChangeEvent = Pick<InsertEvent<ObjectLiteral>, 'metadata' | 'manager' | 'queryRunner'>;

const CHANGE_PHRASE: Record<EntityChangeKind, string> = {
  insert: 'an insert',
  update: 'an update',
  remove: 'a removal',
  'soft-remove': 'a soft removal',
  recover: 'a recovery',
};

/**
 * Turns changes of `@EmitsWebhook` entities into outbox rows. Each row is written with the subscriber event's own
 * EntityManager, i.e. inside the caller's transaction: a rollback takes the webhook with it, a commit makes it
 * durable. Nothing here does network I/O.
 *
 * TypeORM builds subscribers listed in DataSource options without dependency injection, so this one registers
 * itself on every captured DataSource instead, once, and leaves them on shutdown. Each change is written to the
 * outbox of the DataSource that made it (its transaction's).
 */
@Injectable()
export class EntityChangeSubscriber implements EntitySubscriberInterface, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EntityChangeSubscriber.name);

  constructor(
    @Inject(WEBHOOK_CAPTURED_DATA_SOURCES) private readonly sources: CapturedDataSources,
    @Inject(WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions,
    private readonly rules: WebhookMetadataAccessor,
    private readonly wake: OutboxWakeSignal,
    private readonly capture: EntityChangeCapture,
    private readonly events: WebhookDeliveryEvents,
  ) {}

  onModuleInit(): void {
    for (const dataSource of this.sources.all) {
      this.rules.load(dataSource);
      if (!dataSource.subscribers.includes(this)) dataSource.subscribers.push(this);
    }
  }

  /**
   * Not onModuleDestroy: Nest runs that before it closes the HTTP server, so a request still in flight could commit
   * a change with no outbox row. By onApplicationShutdown the server is closed and nothing more can arrive.
   */
  onApplicationShutdown(): void {
    for (const dataSource of this.sources.all) {
      const index = dataSource.subscribers.indexOf(this);
      if (index >= 0) dataSource.subscribers.splice(index, 1);
    }
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    if (!event.databaseEntity && !(event.entity && reportedByKeyedStatement.has(event.entity)))
      this.refuseInStrictMode(event, 'update');
  }

  beforeRemove(event: RemoveEvent<ObjectLiteral>): void {
    if (!event.entity && !event.databaseEntity) this.refuseInStrictMode(event, 'remove');
  }

  beforeSoftRemove(event: SoftRemoveEvent<ObjectLiteral>): void {
    if (!event.entity && !event.databaseEntity) this.refuseInStrictMode(event, 'soft-remove');
  }

  beforeRecover(event: RecoverEvent<ObjectLiteral>): void {
    if (!event.entity && !event.databaseEntity) this.refuseInStrictMode(event, 'recover');
  }

  async afterInsert(event: InsertEvent<ObjectLiteral>): Promise<void> {
    if (!this.capture.emits(event.metadata, 'insert') || reportedByKeyedStatement.has(event.entity)) return;
    const entity = snapshotColumns(event.metadata, event.entity);
    await this.capture.capture('insert', event, { entity, saved: event.entity });
  }

  async afterUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> {
    if (!this.capture.emits(event.metadata, 'update') || (event.entity && reportedByKeyedStatement.has(event.entity)))
      return;
    if (!event.entity || !event.databaseEntity) {
      // Statements by a where clause report the SET values only, not which rows they touched.
      this.warnUncapturable(event, 'update');
      return;
    }
    const loaded = await this.withRelationKeys(event.metadata, event.manager, event.databaseEntity, event.entity);
    const previous = snapshotColumns(event.metadata, loaded);
    const entity = snapshotAfterUpdate(event.metadata, event.entity, loaded, event.updatedColumns);
    const changes = changedFields(event.updatedColumns, event.databaseEntity, event.entity);
    // Every column TypeORM reported holds the value it had (SQLite's decimals): nothing happened to tell.
    if (Object.keys(changes).length === 0) return;
    await this.capture.capture('update', event, { entity, previous, changes, saved: event.entity });
  }

  async afterRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> {
    if (!this.capture.emits(event.metadata, 'remove')) return;
    if (!event.entity && !event.databaseEntity) {
      this.warnUncapturable(event, 'remove');
      return;
    }
    // After a removal TypeORM has already cleared the primary key on the entity; it survives in entityId.
    const entity = snapshotColumns(event.metadata, event.entityId, event.databaseEntity, event.entity);
    await this.capture.capture('remove', event, { entity, previous: entity });
  }

  async afterSoftRemove(event: SoftRemoveEvent<ObjectLiteral>): Promise<void> {
    await this.captureRestorable('soft-remove', event);
  }

  async afterRecover(event: RecoverEvent<ObjectLiteral>): Promise<void> {
    await this.captureRestorable('recover', event);
  }

  /** Writes the transaction's held changes (coalesced) before it commits, in it. */
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    await this.capture.beforeCommit(event.queryRunner);
  }

  beforeTransactionRollback(event: TransactionRollbackEvent): void {
    this.capture.beforeRollback(event.queryRunner);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // Only the outermost commit makes the rows visible; a released savepoint does not.
    const captured = event.queryRunner.data?.[CAPTURED_IN_TRANSACTION] as CapturedInTransaction | undefined;
    if (event.queryRunner.isTransactionActive || !captured) return;
    delete event.queryRunner.data[CAPTURED_IN_TRANSACTION];
    this.wake.notifyCommitted();
    if (Array.isArray(captured)) for (const facts of captured) this.events.publish(facts);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive && event.queryRunner.data)
      delete event.queryRunner.data[CAPTURED_IN_TRANSACTION];
  }

  private async captureRestorable(
    kind: 'soft-remove' | 'recover',
    event: SoftRemoveEvent<ObjectLiteral> | RecoverEvent<ObjectLiteral>,
  ) {
    if (!this.capture.emits(event.metadata, kind)) return;
    if (!event.entity && !event.databaseEntity) {
      this.warnUncapturable(event, kind);
      return;
    }
    const entity = snapshotColumns(event.metadata, event.entity, event.entityId, event.databaseEntity);
    const previous = event.databaseEntity ? snapshotColumns(event.metadata, event.databaseEntity) : undefined;
    await this.capture.capture(kind, event, { entity, previous });
  }

  /**
   * TypeORM loads the row it updates without its relations' keys: read them, when the saved object does not have
   * them either, so a relation is reported the same (`{ id }`) on every event.
   */
  private async withRelationKeys(
    metadata: EntityMetadata,
    manager: EntityManager,
    loaded: ObjectLiteral,
    saved: ObjectLiteral,
  ): Promise<ObjectLiteral> {
    const missing = metadata.columns.filter(
      (column) =>
        column.relationMetadata &&
        column.getEntityValue(loaded) === undefined &&
        column.getEntityValue(saved) === undefined,
    );
    if (missing.length === 0) return loaded;
    const keys = metadata.getEntityIdMap(loaded);
    if (!keys) return loaded;
    const withKeys = await manager.findOne(metadata.target, { where: keys, loadRelationIds: true, withDeleted: true });
    return withKeys
      ? {
          ...loaded,
          ...Object.fromEntries(missing.map((column) => [column.propertyName, withKeys[column.propertyName]])),
        }
      : loaded;
  }

  /**
   * A statement whose rows are unknown: logged every time (each occurrence is a webhook that will not be sent).
   * Keyed statements reach here without an entity too; they are reported by `KeyedStatementCapture`.
   */
  private warnUncapturable(event: ChangeEvent, kind: EntityChangeKind): void {
    if (event.queryRunner.data?.[KEYED_STATEMENT]) return;
    this.logger.warn(uncapturableMessage(event.metadata, kind));
  }

  /** In strict mode, stops such a statement before it runs: nothing changes without its webhook. */
  private refuseInStrictMode(event: ChangeEvent, kind: EntityChangeKind): void {
    if (
      !this.options.capture.strict ||
      !this.capture.emits(event.metadata, kind) ||
      event.queryRunner.data?.[KEYED_STATEMENT]
    )
      return;
    throw new WebhookCaptureError(`${uncapturableMessage(event.metadata, kind)} (capture.strict refuses it.)`);
  }
}

const CALLS: Record<EntityChangeKind, { call: string; instead: string }> = {
  insert: { call: 'an insert QueryBuilder', instead: 'save()' },
  update: {
    call: 'update() by a where clause, updateAll() or an update QueryBuilder',
    instead: 'save(), or update() by primary key,',
  },
  remove: {
    call: 'delete() by a where clause, deleteAll() or a delete QueryBuilder',
    instead: 'remove(), or delete() by primary key,',
  },
  'soft-remove': {
    call: 'softDelete() by a where clause or a QueryBuilder',
    instead: 'softRemove(), or softDelete() by primary key,',
  },
  recover: {
    call: 'restore() by a where clause or a QueryBuilder',
    instead: 'recover(), or restore() by primary key,',
  },
};

function uncapturableMessage(metadata: EntityMetadata, kind: EntityChangeKind): string {
  const { call, instead } = CALLS[kind];
  return (
    `${metadata.name}: ${CHANGE_PHRASE[kind]} made with ${call} emits no webhook, because which rows it changed is not known. ` +
    `Use ${instead} to emit ${metadata.name} webhooks.`
  );
}
