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
import { WebhookPayloadError } from '../errors/webhook-payload.error.js';
import { OutboxWakeSignal } from '../outbox/outbox-wake.signal.js';
import { WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';
import type { EntityChange, EntityChangeKind } from './entity-change.js';
import { CAPTURED_IN_TRANSACTION, OutboxEventWriter } from './outbox-event.writer.js';
import { changedFields, changedUnder, describeId, redactChanges, redactSnapshot, snapshotAfterUpdate, snapshotColumns } from './entity-snapshot.js';
import { type EmissionRule, WebhookMetadataAccessor } from './webhook-metadata.accessor.js';

/** The entity's states around one change, before redaction. */
type ChangeStates = Pick<EntityChange, 'entity' | 'previous' | 'changes'>;

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
 * itself on the injected DataSource instead, once, and leaves it on shutdown.
 */
@Injectable()
export class EntityChangeSubscriber implements EntitySubscriberInterface, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EntityChangeSubscriber.name);
  private readonly warned = new Set<string>();

  constructor(
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly rules: WebhookMetadataAccessor,
    private readonly wake: OutboxWakeSignal,
    private readonly writer: OutboxEventWriter,
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
    const rules = this.rulesOf(event.metadata, 'insert');
    if (rules.length === 0) return;
    const entity = snapshotColumns(event.metadata, event.entity);
    await this.captureAll(rules, 'insert', event, { entity });
  }

  async afterUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> {
    const rules = this.rulesOf(event.metadata, 'update');
    if (rules.length === 0) return;
    if (!event.entity || !event.databaseEntity) {
      // repository.update() and QueryBuilder updates report the SET values only, not which rows they touched.
      this.warnUncapturable(event.metadata, 'update', 'repository.update() or an update QueryBuilder', 'save()');
      return;
    }
    const previous = snapshotColumns(event.metadata, event.databaseEntity);
    const entity = snapshotAfterUpdate(event.metadata, event.entity, event.databaseEntity, event.updatedColumns);
    const changes = changedFields(event.updatedColumns, event.databaseEntity, event.entity);
    await this.captureAll(rules, 'update', event, { entity, previous, changes });
  }

  async afterRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> {
    const rules = this.rulesOf(event.metadata, 'remove');
    if (rules.length === 0) return;
    if (!event.entity && !event.databaseEntity) {
      this.warnUncapturable(event.metadata, 'remove', 'repository.delete() or a delete QueryBuilder', 'remove()');
      return;
    }
    // After a removal TypeORM has already cleared the primary key on the entity; it survives in entityId.
    const entity = snapshotColumns(event.metadata, event.entityId, event.databaseEntity, event.entity);
    await this.captureAll(rules, 'remove', event, { entity, previous: entity });
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
    const rules = this.rulesOf(event.metadata, kind);
    if (rules.length === 0) return;
    if (!event.entity && !event.databaseEntity) {
      this.warnUncapturable(event.metadata, kind, 'repository.softDelete()/restore() or a QueryBuilder', 'softRemove()/recover()');
      return;
    }
    const entity = snapshotColumns(event.metadata, event.entity, event.entityId, event.databaseEntity);
    const previous = event.databaseEntity ? snapshotColumns(event.metadata, event.databaseEntity) : undefined;
    await this.captureAll(rules, kind, event, { entity, previous });
  }

  /** The entity's rules that emit on `kind`. */
  private rulesOf(metadata: EntityMetadata, kind: EntityChangeKind): EmissionRule[] {
    return this.rules.rulesFor(metadata).filter((rule) => rule.types[kind] !== undefined);
  }

  private async captureAll(rules: readonly EmissionRule[], kind: EntityChangeKind, event: ChangeEvent, states: ChangeStates): Promise<void> {
    for (const rule of rules) await this.capture(rule, kind, event, states);
  }

  private async capture(rule: EmissionRule, kind: EntityChangeKind, { metadata, manager, queryRunner }: ChangeEvent, states: ChangeStates): Promise<void> {
    // The column trigger looks at what changed, redacted columns included (a change of a secret may be the news).
    if (kind === 'update' && rule.columns && !rule.columns.some((column) => changedUnder(states.changes, column))) return;
    const type = rule.types[kind]!;
    // Everything user code and the outbox see from here on is redacted.
    const change: EntityChange = {
      kind,
      type,
      entity: redactSnapshot(states.entity, rule.redact),
      ...(states.previous && { previous: redactSnapshot(states.previous, rule.redact) }),
      ...(states.changes && { changes: redactChanges(states.changes, rule.redact) }),
    };
    if (rule.when && !this.callUserFunction(metadata, 'when', () => rule.when!(change))) return;

    const data = rule.payload ? this.callUserFunction(metadata, 'payload', () => rule.payload!(change.entity, change)) : change.entity;
    const tenant = rule.tenant ? this.callUserFunction(metadata, 'tenant', () => rule.tenant!(states.entity)) : null;

    if (!queryRunner.isTransactionActive) {
      this.warnOnce(
        `${metadata.name}:no-transaction`,
        `${metadata.name}: a change was captured outside a transaction (e.g. repository.insert()), so the change and ` +
          'its webhook are not atomic. Use save()/remove() or run the call inside dataSource.transaction().',
      );
    }
    // The caller's manager, hence the caller's transaction.
    await this.writer.write(manager, queryRunner, {
      type,
      data,
      changes: change.changes,
      tenant: tenant == null ? null : String(tenant),
      sourceEntity: metadata.name,
      sourceId: describeId(metadata, states.entity),
    });
  }

  private callUserFunction<T>(metadata: EntityMetadata, name: 'payload' | 'when' | 'tenant', fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw new WebhookPayloadError(`@EmitsWebhook on ${metadata.name}: ${name}() threw: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      });
    }
  }

  private warnUncapturable(metadata: EntityMetadata, kind: EntityChangeKind, call: string, instead: string): void {
    // Logged every time: each occurrence is a webhook that will not be sent.
    this.logger.warn(
      `${metadata.name}: ${CHANGE_PHRASE[kind]} made with ${call} emits no webhook, because TypeORM does not say which rows it ` +
        `changed. Use ${instead} on the entity to emit ${metadata.name} webhooks.`,
    );
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(message);
  }
}
