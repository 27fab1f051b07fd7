import { EmitsWebhook } from '@webhook-outbox/nestjs';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface OrderItem {
  sku: string;
  qty: number;
}

/** Emits order.created, order.updated (with the changed fields) and order.deleted. */
@EmitsWebhook({ name: 'order', on: ['insert', 'update', 'remove'] })
@Entity({ name: 'shop_order' })
export class Order {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 200 })
  customer!: string;

  @Column({ type: 'simple-json' })
  items!: OrderItem[];

  @Column({
    type: 'decimal',
    precision: 12,
    scale: 2,
    transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) },
  })
  total!: number;

  @Column({ type: 'varchar', length: 40, default: 'new' })
  status!: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
