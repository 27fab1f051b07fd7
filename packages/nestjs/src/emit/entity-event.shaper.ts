import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager, EntityMetadata } from 'typeorm';
import { WebhookPayloadError } from '../errors/webhook-payload.error.js';
import { type CapturedDataSources, orderingKeyOf } from '../outbox/outbox-data-sources.js';
import { nextSequence } from '../outbox/stores/entity-sequence.statements.js';
import { WEBHOOK_CAPTURED_DATA_SOURCES } from '../webhook.tokens.js';
import type { EntityChange } from './entity-change.js';
import { describeId } from './entity-snapshot.js';
import { startsFresh } from './fresh-row.js';
import type { OutboxEventInput } from './outbox-event.writer.js';
import type { EmissionRule } from './webhook-metadata.accessor.js';

/** An entity event before its sequence number: what the rule makes of the row. */
export type ShapedEntityEvent = Omit<OutboxEventInput, 'sequence'> & { sourceId: string | null };

/** Runs a rule's `payload`, `when` or `tenant`; what it throws is reported as the rule's, naming the entity. */
export function callRuleFunction<T>(metadata: EntityMetadata, name: 'payload' | 'when' | 'tenant', fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new WebhookPayloadError(
      `@EmitsWebhook on ${metadata.name}: ${name}() threw: ${(error as Error)?.message ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * How an `@EmitsWebhook` rule turns a row into an event: its data (through the rule's `payload`), its tenant, the
 * keys that name the row and order its events, and its number in the row's sequence. The one place for it, used by
 * live capture (a change) and by backfill (a snapshot of an existing row), so both send the same shape.
 */
@Injectable()
export class EntityEventShaper {
  constructor(@Inject(WEBHOOK_CAPTURED_DATA_SOURCES) private readonly sources: CapturedDataSources) {}

  /** The rule's tenant for a row. It sees the whole row: the tenant column is often one that is not sent. */
  tenantOf(rule: EmissionRule, metadata: EntityMetadata, row: Record<string, unknown>): string | null {
    const tenant = rule.tenant ? callRuleFunction(metadata, 'tenant', () => rule.tenant!(row)) : null;
    return tenant == null ? null : String(tenant);
  }

  /**
   * The event for `change` (already redacted) of `row` (not redacted), in `connection`. `tenant` defaults to the
   * rule's tenant of the row.
   */
  shape(
    rule: EmissionRule,
    metadata: EntityMetadata,
    connection: DataSource,
    change: EntityChange,
    row: Record<string, unknown>,
    tenant?: string | null,
  ): ShapedEntityEvent {
    const data = rule.payload
      ? callRuleFunction(metadata, 'payload', () => rule.payload!(change.entity, change))
      : change.entity;
    const sourceId = describeId(metadata, row);
    return {
      type: change.type,
      data,
      changes: change.changes,
      tenant: tenant === undefined ? this.tenantOf(rule, metadata, row) : tenant,
      sourceEntity: metadata.name,
      sourceId,
      orderingKey:
        rule.ordered && sourceId !== null ? orderingKeyOf(this.sources, connection, metadata.name, sourceId) : null,
    };
  }

  /**
   * The row's next number, counted in the database the row lives in (`manager`'s). The insert of a row with a
   * generated key is number 1 without a statement (most events are inserts, and the counter is one more statement
   * per event); its later events continue from 1.
   */
  sequence(
    kind: EntityChange['kind'],
    metadata: EntityMetadata,
    manager: EntityManager,
    sourceId: string,
  ): Promise<number> | number {
    const fresh = startsFresh(metadata);
    if (kind === 'insert' && fresh) return 1;
    return nextSequence(manager.connection, manager, metadata.name, sourceId, fresh ? 1 : 0);
  }
}
