import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../epoch-millis.transformer.js';

/** One HTTP attempt of a delivery, kept as its log. */
@Entity({ name: 'webhook_attempt' })
@Index('IDX_webhook_attempt_delivery', ['deliveryId', 'attemptNumber'])
@Index('IDX_webhook_attempt_started', ['startedAt'])
export class WebhookAttemptEntity {
  /** The attempt's id. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  /** The delivery it is an attempt of. */
  @Column({ name: 'delivery_id', type: 'varchar', length: 64 })
  deliveryId!: string;

  /** 1 for the first attempt of the delivery, then counting up (manual retries included). */
  @Column({ name: 'attempt_number', type: 'int' })
  attemptNumber!: number;

  /** When the request started, in milliseconds since the epoch. */
  @Column({ name: 'started_at', type: 'bigint', transformer: epochMillis })
  startedAt!: number;

  /** How long the exchange took, in milliseconds. */
  @Column({ name: 'duration_ms', type: 'int' })
  durationMs!: number;

  /** `succeeded` for a 2xx answer; anything else is `failed`. */
  @Column({ type: 'varchar', length: 16 })
  outcome!: 'succeeded' | 'failed';

  /** The HTTP status; `null` when no response came (refused, reset, timeout). */
  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode!: number | null;

  /** The start of the response body (`delivery.responseExcerptBytes`). */
  @Column({ name: 'response_excerpt', type: 'text', nullable: true })
  responseExcerpt!: string | null;

  /** Why the attempt failed, in one line, when it did. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;
}
