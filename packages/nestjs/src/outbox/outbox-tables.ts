import type { DataSource } from 'typeorm';
import {
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEndpointStateEntity,
  WebhookEventEntity,
} from './entities/index.js';

/** Escaped table names for hand-written SQL, honouring the DataSource's `entityPrefix` and schema. */
export interface OutboxTables {
  event: string;
  delivery: string;
  attempt: string;
  endpointState: string;
}

/** An entity's table name, escaped for hand-written SQL, with the DataSource's `entityPrefix` and schema. */
export function escapedTableName(dataSource: DataSource, target: Function): string {
  return dataSource
    .getMetadata(target)
    .tablePath.split('.')
    .map((part) => dataSource.driver.escape(part))
    .join('.');
}

export function outboxTables(dataSource: DataSource): OutboxTables {
  const escaped = (target: Function) => escapedTableName(dataSource, target);
  return {
    event: escaped(WebhookEventEntity),
    delivery: escaped(WebhookDeliveryEntity),
    attempt: escaped(WebhookAttemptEntity),
    endpointState: escaped(WebhookEndpointStateEntity),
  };
}
