import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager, EntityMetadata, QueryRunner } from 'typeorm';
import { WebhookPayloadError } from '../errors/webhook-payload.error.js';
import type { EntityChange, EntityChangeKind } from './entity-change.js';
import { changedUnder, describeId, redactChanges, redactSnapshot } from './entity-snapshot.js';
import { OutboxEventWriter } from './outbox-event.writer.js';
import { type EmissionRule, WebhookMetadataAccessor } from './webhook-metadata.accessor.js';

/** The entity's states around one change, before redaction. */
export type ChangeStates = Pick<EntityChange, 'entity' | 'previous' | 'changes'>;

/** Where a change happened: its entity, and the caller's manager and transaction. */
export interface ChangeContext {
  metadata: EntityMetadata;
  manager: EntityManager;
  queryRunner: QueryRunner;
}

/**
 * Applies an entity's `@EmitsWebhook` rules to one change and writes the events they produce, through the caller's
 * manager. Shared by the subscriber (changes TypeORM reports with the entity) and the statement capture
 * (`update()`/`delete()`/`upsert()` by key, whose rows it loads itself).
 */
@Injectable()
export class EntityChangeCapture {
  private readonly logger = new Logger(EntityChangeCapture.name);
  private readonly warned = new Set<string>();

  constructor(
    private readonly rules: WebhookMetadataAccessor,
    private readonly writer: OutboxEventWriter,
  ) {}

  /** The entity's rules that emit on `kind`. */
  rulesOf(metadata: EntityMetadata, kind: EntityChangeKind): EmissionRule[] {
    return this.rules.rulesFor(metadata).filter((rule) => rule.types[kind] !== undefined);
  }

  /** Whether any rule of the entity emits on `kind`. */
  emits(metadata: EntityMetadata, kind: EntityChangeKind): boolean {
    return this.rulesOf(metadata, kind).length > 0;
  }

  /** Runs every rule of the entity for `kind` on the change. */
  async capture(kind: EntityChangeKind, context: ChangeContext, states: ChangeStates): Promise<void> {
    for (const rule of this.rulesOf(context.metadata, kind)) await this.apply(rule, kind, context, states);
  }

  private async apply(rule: EmissionRule, kind: EntityChangeKind, { metadata, manager, queryRunner }: ChangeContext, states: ChangeStates): Promise<void> {
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
    // The tenant column is often one that is not sent, so the tenant function sees the whole row.
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

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(message);
  }
}
