import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { epochMillis } from '../epoch-millis.transformer.js';

/** Where a delivery stands: waiting (first try or a retry), delivered, or given up (see `failureReason`). */
export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/**
 * Why a delivery failed for good: every attempt failed (`exhausted`), the receiver refused it for good
 * (`rejected`: 410 Gone, or `retry.retryIf` said no), its endpoint was disabled or deleted before it was sent, or
 * its event row was deleted from under it (`event-missing`: only by hand; there is nothing left to send), or its
 * endpoint's transformation failed on its event (`transform-failed`: it threw, or gave something it may not).
 */
export type WebhookFailureReason =
  | 'exhausted'
  | 'rejected'
  | 'endpoint-disabled'
  | 'endpoint-deleted'
  | 'event-missing'
  | 'transform-failed';

/** One event on its way to one endpoint. */
@Entity({ name: 'webhook_delivery' })
@Unique('UQ_webhook_delivery_event_endpoint', ['eventId', 'endpointId'])
// Partial where the database has partial indexes (not MySQL/MariaDB): see AddPendingDeliveryIndexes1804000000000.
@Index('IDX_webhook_delivery_due', ['status', 'nextAttemptAt'], { where: "status = 'pending'" })
@Index('IDX_webhook_delivery_completed', ['completedAt'])
@Index('IDX_webhook_delivery_ordering', ['endpointId', 'orderingKey', 'sequence'], {
  where: "status = 'pending' AND ordering_key IS NOT NULL",
})
@Index('IDX_webhook_delivery_failed', ['createdAt'], { where: "status = 'failed'" })
// Each endpoint's figures and latest event: see AddDeliveryEndpointIndex1807000000000.
@Index('IDX_webhook_delivery_endpoint_updated', ['endpointId', 'updatedAt'])
// The log's order, over every tenant and per tenant, for search pages and capped totals: AddDeliveryCreatedIndex1807500000000.
@Index('IDX_webhook_delivery_created', ['createdAt', 'id'])
@Index('IDX_webhook_delivery_tenant_created', ['tenant', 'createdAt', 'id'])
export class WebhookDeliveryEntity {
  /** The delivery's id. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  /** The event delivered (`WebhookEventEntity.id`, the request's `webhook-id`). */
  @Column({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;

  /** The endpoint it goes to. */
  @Column({ name: 'endpoint_id', type: 'varchar', length: 191 })
  endpointId!: string;

  /** The endpoint's tenant when the delivery was created, so the log stays scoped after the endpoint is deleted. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  tenant!: string | null;

  /** The event's ordering key and sequence: a delivery waits while one with the same key and endpoint and a lower sequence is pending. */
  @Column({ name: 'ordering_key', type: 'varchar', length: 191, nullable: true })
  orderingKey!: string | null;

  /** The event's `sequence`, copied for ordered delivery. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMillis })
  sequence!: number | null;

  /** Where the delivery stands. */
  @Column({ type: 'varchar', length: 16 })
  status!: WebhookDeliveryStatus;

  /** Set when `status` is `failed`. */
  @Column({ name: 'failure_reason', type: 'varchar', length: 32, nullable: true })
  failureReason!: WebhookFailureReason | null;

  /** Attempts made so far, manual retries included; attempt rows are numbered by it. */
  @Column({ type: 'int' })
  attempts!: number;

  /**
   * `attempts` when the current series of retries began: 0, or the count at the last manual retry, which
   * starts a new series with the full retry budget.
   */
  @Column({ name: 'series_start', type: 'int', default: 0 })
  seriesStart!: number;

  /** When the next attempt is due, in milliseconds since the epoch. */
  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: epochMillis })
  nextAttemptAt!: number;

  /** End of the current claim; past it, any worker may take the delivery over. */
  @Column({ name: 'locked_until', type: 'bigint', nullable: true, transformer: epochMillis })
  lockedUntil!: number | null;

  /** Owner of the current claim; every write about the delivery names it, so a worker that lost the claim cannot. */
  @Column({ name: 'lock_token', type: 'varchar', length: 64, nullable: true })
  lockToken!: string | null;

  /** The HTTP status of the last attempt; `null` when there was none or no response came. */
  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode!: number | null;

  /** Why the last attempt failed, in one line, when it did. */
  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;

  /** When the delivery was created (at fan-out), in milliseconds since the epoch. */
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  /** When the delivery last changed, in milliseconds since the epoch. */
  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMillis })
  updatedAt!: number;

  /** When it succeeded or failed for good, in milliseconds since the epoch; `null` while pending. */
  @Column({ name: 'completed_at', type: 'bigint', nullable: true, transformer: epochMillis })
  completedAt!: number | null;

  /**
   * The body of record when the endpoint's transformation replaced the event's (JSON, before the endpoint's
   * `bodyFormat`); `null`: the event's own body is sent. Every attempt and replay sends it.
   */
  @Column({ type: 'text', nullable: true })
  payload!: string | null;

  /** What the transformation changed of the request (`{ method?, headers? }`), or why it failed (`{ error }`), as JSON. */
  @Column({ type: 'text', nullable: true })
  request!: string | null;
}
