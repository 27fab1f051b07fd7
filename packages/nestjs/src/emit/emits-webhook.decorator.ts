import type { EntityChange, EntityChangeKind } from './entity-change.js';

/** Metadata key under which `@EmitsWebhook` stores its rules (a list, in source order) on the entity class. */
export const EMITS_WEBHOOK_METADATA = 'webhook-outbox:emits-webhook';

/** Options of `@EmitsWebhook()`: one rule. An entity may carry several. */
// biome-ignore lint/suspicious/noExplicitAny: an entity of any shape when the rule is not typed with its class.
export interface EmitsWebhookOptions<T = any> {
  /**
   * Prefix of the event types.
   *
   * @defaultValue the class name in snake_case without an `Entity` suffix: `Order` → `order`,
   * `OrderItemEntity` → `order_item`
   */
  name?: string;
  /**
   * Which operations emit. Event types are `<name>.created` (insert), `<name>.updated` (update), `<name>.deleted`
   * (remove and soft-remove) and `<name>.restored` (recover), unless `types` names them.
   *
   * @defaultValue those named in `types` if it is given, else all of them
   */
  on?: EntityChangeKind[];
  /** Event types per operation instead of `<name>.<suffix>`, e.g. `{ update: 'order.status_changed' }`. */
  types?: Partial<Record<EntityChangeKind, string>>;
  /**
   * Emit an update only when one of these properties changed, e.g. `['status']`. Other operations are not affected.
   *
   * @defaultValue any change
   */
  columns?: Array<(keyof T & string) | string>;
  /**
   * Shapes the `data` of the webhook. Runs inside the caller's transaction, so it must be fast and must not do I/O.
   * It sees the entity without redacted columns.
   *
   * @defaultValue the entity's columns as JSON (see the README for types)
   */
  payload?: (entity: T, change: EntityChange<T>) => unknown;
  /** Emit only when this returns true, e.g. `(c) => c.changes?.status?.new === 'paid'`. */
  when?: (change: EntityChange<T>) => boolean;
  /**
   * The tenant the entity belongs to, e.g. `(order) => order.shopId`: its events then go to that tenant's endpoints
   * (and the application's own), never to another tenant's.
   *
   * @defaultValue no tenant (the application's endpoints only)
   */
  tenant?: (entity: T) => string | number | null | undefined;
  /**
   * Properties never to put in this rule's events (nor in `changes`), e.g. `['email', 'address.street']`, on top of
   * those marked `@WebhookExclude()`. They are dropped before `when` and `payload` run, so they never reach the
   * outbox table, a log or a request.
   */
  redact?: string[];
  /**
   * Relations to send as objects (their columns, without their `@WebhookExclude` ones) when they are loaded on the
   * saved entity, e.g. `['customer']`.
   *
   * @defaultValue a relation appears as its key (`{ id }`)
   */
  relations?: string[];
  /**
   * Several changes of one row in one transaction make one event with the final state: updates are merged (their
   * `changes` too), an insert followed by updates is one `created`, an update followed by a removal is the `deleted`,
   * and an insert removed again is nothing. `false` emits every change (e.g. to audit each transition). Events are
   * written when the transaction commits, in it.
   *
   * @defaultValue `true`
   */
  coalesce?: boolean;
  /**
   * Deliver the events of one row to each endpoint in commit order: the next is not sent before the previous has
   * succeeded or failed for good (a failing one holds back that row's later events, for that endpoint only), while
   * other rows and other endpoints go on in parallel. Every event carries the row's `sequence` either way, so
   * receivers can drop stale ones.
   *
   * @defaultValue `false`
   */
  ordered?: boolean;
}

/**
 * Marks a TypeORM entity as a webhook source: each committed insert, update, removal, soft removal or recovery
 * of it writes an event to the outbox in the same transaction, and the relay delivers it. Apply it several times
 * for several rules (e.g. every change as `order.updated`, and status changes also as `order.status_changed`).
 *
 * @example
 * \@EmitsWebhook({ name: 'order', on: ['insert', 'update'] })
 * \@EmitsWebhook<Order>({ types: { update: 'order.status_changed' }, columns: ['status'] })
 * \@Entity()
 * export class Order { ... }
 */
// biome-ignore lint/suspicious/noExplicitAny: as for EmitsWebhookOptions.
export function EmitsWebhook<T = any>(options: EmitsWebhookOptions<T> = {}): ClassDecorator {
  return (target) => {
    const rules = (Reflect.getOwnMetadata(EMITS_WEBHOOK_METADATA, target) as EmitsWebhookOptions[] | undefined) ?? [];
    // Class decorators run bottom-up: prepending keeps the rules in the order they are written.
    Reflect.defineMetadata(EMITS_WEBHOOK_METADATA, [options, ...rules], target);
  };
}
