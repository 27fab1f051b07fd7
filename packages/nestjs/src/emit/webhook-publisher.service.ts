import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CapturedDataSources } from '../outbox/outbox-data-sources.js';
import { WebhookEventTypes } from './webhook-event-types.service.js';
import { WebhookTransactionRequiredError } from '../errors/webhook-transaction-required.error.js';
import { WebhookValidationError } from '../errors/webhook-validation.error.js';
import { tenantError } from '../outbox/key-columns.js';
import { WEBHOOK_CAPTURED_DATA_SOURCES } from '../webhook.tokens.js';
import { OutboxEventWriter } from './outbox-event.writer.js';

/** An event that is not an entity change, e.g. `invoice.paid` or `report.ready`. */
export interface WebhookPublication<T = unknown> {
  /** Must be declared in the module's `eventTypes` option (or be an `@EmitsWebhook` entity's type). */
  type: string;
  /** Sent as `data`; must be JSON-serialisable (bigint becomes a string). */
  data: T;
  /** Deliver to this tenant's endpoints (and the application's own) only. */
  tenant?: string;
}

/**
 * Publishes events explicitly, in the caller's transaction, exactly like entity capture: the event is delivered
 * if and only if the transaction commits.
 *
 * @example
 * await dataSource.transaction(async (manager) => {
 *   await manager.save(payment);
 *   await publisher.publish(manager, { type: 'invoice.paid', data: { invoiceId, amount }, tenant: shopId });
 * });
 */
@Injectable()
export class WebhookPublisher {
  /** @internal Nest's dependency injection builds it: inject the service, never construct it. */
  constructor(
    @Inject(WEBHOOK_CAPTURED_DATA_SOURCES) private readonly sources: CapturedDataSources,
    private readonly eventTypes: WebhookEventTypes,
    private readonly writer: OutboxEventWriter,
  ) {}

  /** Writes the event to the outbox inside `manager`'s transaction and returns its id (its `webhook-id`). */
  async publish<T>(manager: EntityManager, publication: WebhookPublication<T>): Promise<string> {
    const queryRunner = manager.queryRunner;
    if (!this.sources.all.includes(manager.connection)) {
      throw new WebhookTransactionRequiredError(
        'WebhookPublisher.publish(): the EntityManager belongs to a DataSource that the webhook module ' +
          'neither stores on nor captures (captureDataSources), so the event would not commit with your change.',
      );
    }
    if (!queryRunner?.isTransactionActive) {
      throw new WebhookTransactionRequiredError(
        'WebhookPublisher.publish() needs the EntityManager of a transaction, so the event commits or rolls back with your change: ' +
          'call it inside dataSource.transaction(async (manager) => { ...; await publisher.publish(manager, event); }).',
      );
    }
    const { type, data, tenant } = publication;
    if (typeof type !== 'string' || !this.eventTypes.has(type)) {
      const known = this.eventTypes.list().map((info) => info.type);
      throw new WebhookValidationError([
        {
          field: 'type',
          message: `${JSON.stringify(type)} is not a declared event type: add it to WebhookModule's eventTypes option. Known types: ${known.join(', ') || 'none'}.`,
        },
      ]);
    }
    const badTenant = tenant === undefined ? null : tenantError(tenant);
    if (badTenant !== null) throw new WebhookValidationError([{ field: 'tenant', message: badTenant }]);
    return this.writer.write(manager, queryRunner, { type, data, tenant: tenant ?? null });
  }
}
