import type { DataSource } from 'typeorm';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointStateEntity, WebhookEventEntity } from './entities/index.js';

/** Escaped table names for hand-written SQL, honouring the DataSource's `entityPrefix` and schema. */
export interface OutboxTables {
  event: string;
  delivery: string;
  attempt: string;
  endpointState: string;
}

export function outboxTables(dataSource: DataSource): OutboxTables {
  const escaped = (target: Function) =>
    dataSource
      .getMetadata(target)
      .tablePath.split('.')
      .map((part) => dataSource.driver.escape(part))
      .join('.');
  return {
    event: escaped(WebhookEventEntity),
    delivery: escaped(WebhookDeliveryEntity),
    attempt: escaped(WebhookAttemptEntity),
    endpointState: escaped(WebhookEndpointStateEntity),
  };
}
