import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type {
  DataSource,
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
import { WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';
import type { EntityChangeKind } from './entity-change.js';
import { EntityChangeCapture } from './entity-change.capture.js';
import { changedFields, snapshotAfterUpdate, snapshotColumns } from './entity-snapshot.js';
import { CAPTURED_IN_TRANSACTION } from './outbox-event.writer.js';
import { WebhookMetadataAccessor } from './webhook-metadata.accessor.js';

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
 * itself on the injected DataSource instead, once, and leaves it on shutdown.
 */
@Injectable()
export class EntityChangeSubscriber implements EntitySubscriberInterface, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EntityChangeSubscriber.name);

  constructor(
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly rules: WebhookMetadataAccessor,
    private readonly wake: OutboxWakeSignal,
    private readonly capture: EntityChangeCapture,
  ) {}

  onModuleInit(): void {
    this.rules.load(this.dataSource);
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  /**
   * Not onModuleDestroy: Nest runs that before it closes the HTTP server, so a request still in flight could commit
   * a change with no outbox row. By onApplicationShutdown the server is closed and nothing more can arrive.
   */
  onApplicationShutdown(): void {
    const index = this.dataSource.subscribers.indexOf(this);
    if (index >= 0) this.dataSource.subscribers.splice(index, 1);
  }

  async afterInsert(event: InsertEvent<ObjectLiteral>): Promise<void> {
    if (!this.capture.emits(event.metadata, 'insert')) return;
    const entity = snapshotColumns(event.metadata, event.entity);
    await this.capture.capture('insert', event, { entity });
  }

  async afterUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> {
    if (!this.capture.emits(event.metadata, 'update')) return;
    if (!event.entity || !event.databaseEntity) {
      // repository.update() and QueryBuilder updates report the SET values only, not which rows they touched.
      this.warnUncapturable(event.metadata, 'update', 'repository.update() or an update QueryBuilder', 'save()');
      return;
    }
    const previous = snapshotColumns(event.metadata, event.databaseEntity);
    const entity = snapshotAfterUpdate(event.metadata, event.entity, event.databaseEntity, event.updatedColumns);
    const changes = changedFields(event.updatedColumns, event.databaseEntity, event.entity);
    await this.capture.capture('update', event, { entity, previous, changes });
  }

  async afterRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> {
    if (!this.capture.emits(event.metadata, 'remove')) return;
    if (!event.entity && !event.databaseEntity) {
      this.warnUncapturable(event.metadata, 'remove', 'repository.delete() or a delete QueryBuilder', 'remove()');
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

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // Only the outermost commit makes the rows visible; a released savepoint does not.
    if (event.queryRunner.isTransactionActive || !event.queryRunner.data?.[CAPTURED_IN_TRANSACTION]) return;
    delete event.queryRunner.data[CAPTURED_IN_TRANSACTION];
    this.wake.notifyCommitted();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive && event.queryRunner.data) delete event.queryRunner.data[CAPTURED_IN_TRANSACTION];
  }

  private async captureRestorable(kind: 'soft-remove' | 'recover', event: SoftRemoveEvent<ObjectLiteral> | RecoverEvent<ObjectLiteral>) {
    if (!this.capture.emits(event.metadata, kind)) return;
    if (!event.entity && !event.databaseEntity) {
      this.warnUncapturable(event.metadata, kind, 'repository.softDelete()/restore() or a QueryBuilder', 'softRemove()/recover()');
      return;
    }
    const entity = snapshotColumns(event.metadata, event.entity, event.entityId, event.databaseEntity);
    const previous = event.databaseEntity ? snapshotColumns(event.metadata, event.databaseEntity) : undefined;
    await this.capture.capture(kind, event, { entity, previous });
  }

  private warnUncapturable(metadata: EntityMetadata, kind: EntityChangeKind, call: string, instead: string): void {
    // Logged every time: each occurrence is a webhook that will not be sent.
    this.logger.warn(
      `${metadata.name}: ${CHANGE_PHRASE[kind]} made with ${call} emits no webhook, because TypeORM does not say which rows it ` +
        `changed. Use ${instead} on the entity to emit ${metadata.name} webhooks.`,
    );
  }
}
