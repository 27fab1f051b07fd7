import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../epoch-millis.transformer.js';

/**
 * Progress of one backfill (snapshot events of an entity's existing rows to one endpoint), written with each batch
 * in the batch's transaction, so a backfill cut short resumes after the last row it sent.
 */
@Entity({ name: 'webhook_backfill' })
export class WebhookBackfillEntity {
  /** Derived from the endpoint, the entity and `since`: the same backfill asked for again is this row. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'endpoint_id', type: 'varchar', length: 191 })
  endpointId!: string;

  @Column({ type: 'varchar', length: 191 })
  entity!: string;

  @Column({ type: 'bigint', nullable: true, transformer: epochMillis })
  since!: number | null;

  /** Primary key of the last row sent, as JSON; `null` before the first batch. */
  @Column({ name: 'last_key', type: 'varchar', length: 255, nullable: true })
  lastKey!: string | null;

  /** Snapshot events written so far. */
  @Column({ type: 'int' })
  events!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMillis })
  updatedAt!: number;

  @Column({ name: 'completed_at', type: 'bigint', nullable: true, transformer: epochMillis })
  completedAt!: number | null;
}
