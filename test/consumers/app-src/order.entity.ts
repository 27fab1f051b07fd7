import { EmitsWebhook } from '@webhook-outbox/nestjs';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The user's own entity: every insert and update emits a webhook. */
@EmitsWebhook()
@Entity({ name: 'consumer_order' })
export class Order {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  customer!: string;

  @Column({ type: 'decimal', precision: 10, scale: 2 })
  total!: string;
}
