import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { EntityEventShaper } from '../emit/entity-event.shaper.js';
import { redactSnapshot, snapshotColumns } from '../emit/entity-snapshot.js';
import { eventBody } from '../emit/outbox-event.writer.js';
import { WebhookMetadataAccessor } from '../emit/webhook-metadata.accessor.js';
import { type WebhookFieldError, WebhookValidationError } from '../errors/webhook-validation.error.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import { WebhookBackfillEntity } from '../outbox/entities/index.js';
import { compileWebhookFilter } from './webhook-filter.js';
import { routeEventsWithTransforms } from './transformed-routes.js';
import { TransformSandbox } from './transform-sandbox.js';
import type { CapturedDataSources } from '../outbox/outbox-data-sources.js';
import { newOutboxId } from '../outbox/outbox-ids.js';
import { OutboxWakeSignal } from '../outbox/outbox-wake.signal.js';
import { pendingDelivery } from '../outbox/pending-delivery.js';
import {
  backfillProgressRow,
  changedSinceCondition,
  insertEventsWithDeliveries,
} from '../outbox/stores/backfill.statements.js';
import { runInOwnTransaction } from '../outbox/stores/own-transaction.runner.js';
import type { WebhookClock } from '../webhook-clock.js';
import { WEBHOOK_CAPTURED_DATA_SOURCES, WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';

/** What `WebhookEndpoints.backfill()` sends. */
export interface WebhookBackfillOptions {
  /** The `@EmitsWebhook` entity whose existing rows to send (its class or name). */
  entity: EntityTarget<ObjectLiteral>;
  /** Only rows changed at or after this time (the entity needs an `@UpdateDateColumn` or `@CreateDateColumn`). */
  since?: Date | number;
  /** Rows per batch, each batch one short transaction. Default `500`. */
  batchSize?: number;
}

/** How a backfill stands after `backfill()` returns. */
export interface WebhookBackfillResult {
  /** Snapshot events written for this backfill so far, over every call. */
  events: number;
  /** Whether every row has been sent (a later call then sends nothing). */
  completed: boolean;
}

const DEFAULT_BATCH = 500;

/**
 * Sends an entity's existing rows to one endpoint as `<name>.snapshot` events, e.g. to a newly subscribed endpoint.
 * Rows go in primary-key order, a batch per short transaction that also records how far it got, so live traffic
 * is never held up and a backfill cut short (a crash, a deploy) resumes where it stopped when asked again. The
 * events are delivered to that endpoint only, like any other (signed, retried, logged). The rule's redaction,
 * `payload` (called with kind `snapshot`) and tenant apply: a tenant's endpoint receives that tenant's rows only.
 * Its `when` does not: a backfill sends every row.
 */
@Injectable()
export class EndpointBackfill {
  constructor(
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CAPTURED_DATA_SOURCES) private readonly sources: CapturedDataSources,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
    private readonly rules: WebhookMetadataAccessor,
    private readonly shaper: EntityEventShaper,
    private readonly wake: OutboxWakeSignal,
    private readonly sandbox: TransformSandbox,
  ) {}

  async run(endpoint: ResolvedWebhookEndpoint, options: WebhookBackfillOptions): Promise<WebhookBackfillResult> {
    const { source, metadata, since, batchSize, dateColumn } = this.check(options);
    const rule = this.rules.rulesFor(metadata)[0]!;
    const primary = metadata.primaryColumns[0]!;
    const progress = await this.progress(endpoint.id, metadata, since);
    const type = `${rule.name}.snapshot`;
    const accepts = endpoint.filter === null ? null : compileWebhookFilter(endpoint.filter);
    while (progress.completedAt === null) {
      const query = source
        .getRepository(metadata.target)
        .createQueryBuilder('row')
        .orderBy(`row.${primary.propertyPath}`, 'ASC')
        .limit(batchSize);
      if (progress.lastKey !== null)
        query.andWhere(`row.${primary.propertyPath} > :after`, { after: JSON.parse(progress.lastKey) });
      if (since !== null)
        query.andWhere(changedSinceCondition(source, `row.${dateColumn!.propertyPath}`), { since: new Date(since) });
      const rows = (await query.getMany()).map((row) => {
        const snapshot = snapshotColumns(metadata, row);
        return { row, snapshot, tenant: this.shaper.tenantOf(rule, metadata, snapshot) };
      });
      // As routing would: a tenant's endpoint sees that tenant's rows; the application's own endpoints see all.
      const sent = rows.filter((row) => endpoint.tenant === null || row.tenant === endpoint.tenant);
      const now = this.clock.now();
      const timestamp = new Date(now).toISOString();
      const events = sent.map(({ snapshot, tenant }) => {
        const redacted = redactSnapshot(snapshot, rule.redact);
        const event = this.shaper.shape(
          rule,
          metadata,
          source,
          { kind: 'snapshot', type, entity: redacted },
          snapshot,
          tenant,
        );
        return { ...event, id: newOutboxId('msg'), sequence: null as number | null };
      });
      // Numbered like the row's live events (by the counter of the database the row lives in), so a receiver never
      // takes a snapshot for newer news. Another database's numbers are taken in a transaction of their own first.
      const assignSequences = async (manager: EntityManager) => {
        for (const event of events) {
          if (event.sourceId !== null)
            event.sequence = await this.shaper.sequence('snapshot', metadata, manager, event.sourceId);
        }
      };
      if (source !== this.dataSource && events.length > 0) await runInOwnTransaction(source, assignSequences);
      await runInOwnTransaction(this.dataSource, async (manager) => {
        if (source === this.dataSource) await assignSequences(manager);
        // Written already fanned out: the one delivery, to this endpoint, is created with it.
        const eventRows = events.map(({ data, changes: _none, ...event }) => ({
          ...event,
          payload: eventBody({ type, sequence: event.sequence, data }, timestamp),
          occurredAt: now,
          fannedOutAt: now,
          tenant: event.tenant ?? null,
          sourceEntity: event.sourceEntity ?? null,
          orderingKey: event.orderingKey ?? null,
        }));
        // The endpoint's filter holds for backfills too: a snapshot it does not match is not sent.
        const accepted = accepts ? eventRows.filter((event) => accepts(JSON.parse(event.payload))) : eventRows;
        // And its transformation: as at fan-out, a dropped snapshot gets no delivery (a stored one runs in the sandbox).
        const routes = await routeEventsWithTransforms(accepted, () => [endpoint], this.sandbox);
        const routed = accepted.flatMap((event, index) => {
          const [route] = routes[index]!;
          return route ? [{ event, route }] : [];
        });
        await insertEventsWithDeliveries(
          manager,
          accepted,
          routed.map(({ event, route }) => pendingDelivery(event, endpoint, now, route)),
        );
        const last = rows.at(-1);
        progress.lastKey = last ? JSON.stringify(primary.getEntityValue(last.row)) : progress.lastKey;
        progress.events += accepted.length;
        progress.updatedAt = now;
        if (rows.length < batchSize) progress.completedAt = now;
        await manager.getRepository(WebhookBackfillEntity).save(progress);
      });
      if (events.length > 0) this.wake.notifyCommitted();
    }
    return { events: progress.events, completed: true };
  }

  private check(options: WebhookBackfillOptions) {
    const errors: WebhookFieldError[] = [];
    // The module's own DataSource first: an entity in several is backfilled from there.
    const source = options?.entity
      ? this.sources.all.find((dataSource) => dataSource.hasMetadata(options.entity))
      : undefined;
    const metadata: EntityMetadata | undefined = source?.getMetadata(options.entity);
    if (!metadata)
      errors.push({ field: 'entity', message: 'is not an entity of a DataSource the webhook module captures.' });
    else if (this.rules.rulesFor(metadata).length === 0)
      errors.push({ field: 'entity', message: `${metadata.name} has no @EmitsWebhook rule.` });
    else if (metadata.primaryColumns.length !== 1)
      errors.push({
        field: 'entity',
        message: `${metadata.name} has a composite primary key, which backfill does not page through yet.`,
      });
    const since = options?.since === undefined ? null : new Date(options.since).getTime();
    if (since !== null && !Number.isFinite(since))
      errors.push({ field: 'since', message: 'must be a Date or epoch milliseconds.' });
    const dateColumn = metadata ? (metadata.updateDateColumn ?? metadata.createDateColumn) : undefined;
    if (since !== null && metadata && !dateColumn)
      errors.push({
        field: 'since',
        message: `${metadata.name} has no @UpdateDateColumn or @CreateDateColumn to filter by.`,
      });
    const batchSize = options?.batchSize ?? DEFAULT_BATCH;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      errors.push({ field: 'batchSize', message: 'must be a whole number ≥ 1.' });
    if (errors.length > 0) throw new WebhookValidationError(errors);
    return { source: source!, metadata: metadata!, since, batchSize, dateColumn };
  }

  /** This backfill's progress row, created on the first call. */
  private progress(endpointId: string, metadata: EntityMetadata, since: number | null): Promise<WebhookBackfillEntity> {
    const id = `bf_${createHash('sha256')
      .update(`${endpointId}\n${metadata.name}\n${since ?? ''}`)
      .digest('hex')
      .slice(0, 40)}`;
    const now = this.clock.now();
    return backfillProgressRow(this.dataSource, {
      id,
      endpointId,
      entity: metadata.name,
      since,
      lastKey: null,
      events: 0,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
    });
  }
}
