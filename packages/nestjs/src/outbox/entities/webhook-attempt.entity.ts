import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../epoch-millis.transformer.js';

/** One HTTP attempt of a delivery, kept as its log. */
@Entity({ name: 'webhook_attempt' })
@Index('IDX_webhook_attempt_delivery', ['deliveryId', 'attemptNumber'])
@Index('IDX_webhook_attempt_started', ['startedAt'])
export class WebhookAttemptEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'delivery_id', type: 'varchar', length: 64 })
  deliveryId!: string;

  @Column({ name: 'attempt_number', type: 'int' })
  attemptNumber!: number;

  @Column({ name: 'started_at', type: 'bigint', transformer: epochMillis })
  startedAt!: number;

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs!: number;

  @Column({ type: 'varchar', length: 16 })
  outcome!: 'succeeded' | 'failed';

  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode!: number | null;

  @Column({ name: 'response_excerpt', type: 'text', nullable: true })
  responseExcerpt!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;
}
