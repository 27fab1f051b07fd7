import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../epoch-millis.transformer.js';

/**
 * One processed inbound webhook: the receiver's name and the sender's id for it. A row exists only once the
 * handler succeeded, so a redelivery after a failure runs the handler again, and one after a success does not.
 */
@Entity({ name: 'webhook_inbox' })
@Index('IDX_webhook_inbox_received_at', ['receivedAt'])
export class WebhookInboxEntity {
  @PrimaryColumn({ name: 'receiver', type: 'varchar', length: 100 })
  receiver!: string;

  /** The sender's id (255 characters at most; a longer one is stored as its SHA-256). */
  @PrimaryColumn({ name: 'webhook_id', type: 'varchar', length: 255 })
  webhookId!: string;

  @Column({ name: 'received_at', type: 'bigint', transformer: epochMillis })
  receivedAt!: number;
}
