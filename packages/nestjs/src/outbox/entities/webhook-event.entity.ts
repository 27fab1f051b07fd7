import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../epoch-millis.transformer.js';

/**
 * One event in the outbox, written in the same transaction as the change that caused it. `payload` holds the
 * exact JSON body that will be sent, so every delivery and every replay sends the same bytes.
 */
@Entity({ name: 'webhook_event' })
@Index('IDX_webhook_event_pending', ['fannedOutAt', 'occurredAt'])
// Partial on PostgreSQL and SQLite: the backlog only, in fan-out order (MySQL ignores the condition).
@Index('IDX_webhook_event_unfanned', ['occurredAt', 'id'], { where: 'fanned_out_at IS NULL' })
export class WebhookEventEntity {
  /** The `webhook-id` of every request for this event. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  /** The event type, e.g. `order.created`. */
  @Column({ type: 'varchar', length: 191 })
  type!: string;

  /** The exact JSON body sent to every endpoint (before an endpoint's transformation). */
  @Column({ type: 'text' })
  payload!: string;

  /** When the change was captured, in milliseconds since the epoch. */
  @Column({ name: 'occurred_at', type: 'bigint', transformer: epochMillis })
  occurredAt!: number;

  /** Set once deliveries exist for every subscribed endpoint. */
  @Column({ name: 'fanned_out_at', type: 'bigint', nullable: true, transformer: epochMillis })
  fannedOutAt!: number | null;

  /** The entity class the event is about (`null` for events published by hand). */
  @Column({ name: 'source_entity', type: 'varchar', length: 191, nullable: true })
  sourceEntity!: string | null;

  /** The primary key of the row the event is about, as text (`null` for events published by hand). */
  @Column({ name: 'source_id', type: 'varchar', length: 191, nullable: true })
  sourceId!: string | null;

  /** Per entity row, increasing with each of its events (`null` for events not about a row). Sent as `sequence`. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMillis })
  sequence!: number | null;

  /** Set when the rule is `ordered`: the row's events go to each endpoint one after the other, in `sequence` order. */
  @Column({ name: 'ordering_key', type: 'varchar', length: 191, nullable: true })
  orderingKey!: string | null;

  /** The tenant the event belongs to: it goes to that tenant's endpoints and the application's own, never to others'. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  tenant!: string | null;

  /** The W3C trace context active at capture: `traceparent`, then `tracestate` after a space; `null` untraced. */
  @Column({ name: 'trace_context', type: 'varchar', length: 1000, nullable: true })
  traceContext!: string | null;
}
