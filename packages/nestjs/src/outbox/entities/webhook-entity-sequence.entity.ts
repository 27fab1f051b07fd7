import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last sequence number given to an event of one entity row. Kept apart from the events so that pruning them
 * never restarts a row's numbering: receivers may drop any event whose number is not above the last they saw.
 */
@Entity({ name: 'webhook_entity_sequence' })
export class WebhookEntitySequenceEntity {
  @PrimaryColumn({ type: 'varchar', length: 191 })
  entity!: string;

  /** The row's primary key as the events' `source_id` (a SHA-256 when longer than the column). */
  @PrimaryColumn({ name: 'entity_id', type: 'varchar', length: 191 })
  entityId!: string;

  @Column({ type: 'bigint' })
  last!: string;
}
