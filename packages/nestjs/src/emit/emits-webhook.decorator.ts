import { SetMetadata } from '@nestjs/common';
import type { EntityChange, EntityChangeKind } from './entity-change.js';

/** Metadata key under which `@EmitsWebhook` stores its options on the entity class. */
export const EMITS_WEBHOOK_METADATA = 'webhook-outbox:emits-webhook';

/** Options of `@EmitsWebhook()`. */
export interface EmitsWebhookOptions<T = any> {
  /**
   * Prefix of the event types. Default: the class name in snake_case without an `Entity` suffix
   * (`Order` → `order`, `OrderItemEntity` → `order_item`).
   */
  name?: string;
  /**
   * Which operations emit. Default: all of them. Event types are `<name>.created` (insert), `<name>.updated`
   * (update), `<name>.deleted` (remove and soft-remove) and `<name>.restored` (recover).
   */
  on?: EntityChangeKind[];
  /**
   * Shapes the `data` of the webhook. Default: the entity's columns as JSON. Runs inside the caller's transaction,
   * so it must be fast and must not do I/O.
   */
  payload?: (entity: T, change: EntityChange<T>) => unknown;
  /** Emit only when this returns true, e.g. `(c) => c.changes?.status?.new === 'paid'`. */
  when?: (change: EntityChange<T>) => boolean;
  /**
   * The tenant the entity belongs to, e.g. `(order) => order.shopId`: its events then go to that tenant's endpoints
   * (and the application's own), never to another tenant's. Default: no tenant (the application's endpoints only).
   */
  tenant?: (entity: T) => string | number | null | undefined;
}

/**
 * Marks a TypeORM entity as a webhook source: each committed insert, update, removal, soft removal or recovery
 * of it writes an event to the outbox in the same transaction, and the relay delivers it.
 *
 * @example
 * \@EmitsWebhook({ name: 'order', on: ['insert', 'update'] })
 * \@Entity()
 * export class Order { ... }
 */
export function EmitsWebhook<T = any>(options: EmitsWebhookOptions<T> = {}): ClassDecorator {
  return SetMetadata(EMITS_WEBHOOK_METADATA, options);
}
