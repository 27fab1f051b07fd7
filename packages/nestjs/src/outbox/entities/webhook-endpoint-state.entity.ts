import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../epoch-millis.transformer.js';

/**
 * What every relay worker must know about an endpoint's health, kept in the database so that a pause or a
 * disable seen by one worker holds for all of them.
 */
@Entity({ name: 'webhook_endpoint_state' })
export class WebhookEndpointStateEntity {
  @PrimaryColumn({ name: 'endpoint_id', type: 'varchar', length: 191 })
  endpointId!: string;

  /** No delivery to this endpoint is claimed before this time (set by 429/502/503/504 and `Retry-After`). */
  @Column({ name: 'paused_until', type: 'bigint', nullable: true, transformer: epochMillis })
  pausedUntil!: number | null;

  /** Time of the first failed attempt since the last success; cleared by a success. */
  @Column({ name: 'failing_since', type: 'bigint', nullable: true, transformer: epochMillis })
  failingSince!: number | null;

  /** Set when the endpoint was disabled (410 Gone, sustained failure, or by hand); nothing is sent to it then. */
  @Column({ name: 'disabled_at', type: 'bigint', nullable: true, transformer: epochMillis })
  disabledAt!: number | null;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 1000, nullable: true })
  disabledReason!: string | null;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMillis })
  updatedAt!: number;

  /** A rate-limited endpoint's current send window (its start, epoch ms), shared by every instance. */
  @Column({ name: 'rate_window', type: 'bigint', nullable: true, transformer: epochMillis })
  rateWindow!: number | null;

  /** The sends its current window granted. */
  @Column({ name: 'rate_used', type: 'int', default: 0 })
  rateUsed!: number;
}
