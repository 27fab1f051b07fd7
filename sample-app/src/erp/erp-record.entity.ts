import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What the ERP keeps of each order webhook it processed. */
@Entity({ name: 'erp_record' })
export class ErpRecord {
  /** The webhook's id: written in the same transaction as the inbox entry, so each webhook is kept once. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  webhookId!: string;

  @Column({ type: 'varchar', length: 100 })
  type!: string;

  @Column({ type: 'simple-json', nullable: true })
  data!: Record<string, unknown> | null;

  /** For updates: each changed field with its old and new value. */
  @Column({ type: 'simple-json', nullable: true })
  changes!: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 30 })
  receivedAt!: string;

  /** The W3C trace context the webhook came with: the shop's trace, continued from the order's request. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  traceparent!: string | null;
}
