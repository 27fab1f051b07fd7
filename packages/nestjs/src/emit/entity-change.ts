/** The entity lifecycle operations that can emit a webhook. */
export type EntityChangeKind = 'insert' | 'update' | 'remove' | 'soft-remove' | 'recover';

/** Every kind, in the order they are documented. */
export const ENTITY_CHANGE_KINDS: readonly EntityChangeKind[] = [
  'insert',
  'update',
  'remove',
  'soft-remove',
  'recover',
];

/** The old and new value of one changed field. */
export interface FieldChange {
  /** The value before the change, in the form the webhook body gives it; `undefined` when TypeORM did not load it. */
  old: unknown;
  /** The value after the change, in the form the webhook body gives it. */
  new: unknown;
}

/**
 * One change to an entity, as given to `payload` and `when` of `@EmitsWebhook`.
 *
 * `entity` is a snapshot of the entity's columns after the change (for `remove`, the last state before it).
 * `payload` is also called for the rows a backfill sends, with kind `snapshot` (the row as it is, no `previous`,
 * no `changes`); `when` is not, because a backfill sends every row.
 */
export interface EntityChange<T = Record<string, unknown>> {
  /** What happened to the entity, or `snapshot` for a row a backfill sends. */
  kind: EntityChangeKind | 'snapshot';
  /** The event type that will be emitted, e.g. `order.updated`. */
  type: string;
  /** The entity's columns after the change (for a removal, its last state before it). */
  entity: T;
  /** The state before the change, when TypeORM loaded it (updates, removals made with `save()`/`remove()`). */
  previous?: T;
  /** Changed fields with old and new values; only for `update`. */
  changes?: Record<string, FieldChange>;
}
