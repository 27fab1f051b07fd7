import { EmitsWebhook } from '@webhook-outbox/nestjs';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface OrderItem {
  sku: string;
  qty: number;
}

/**
 * Emits order.created, order.updated (with the changed fields) and order.deleted. An order of a marketplace shop
 * belongs to that shop (the tenant): its webhooks also go to the shop's own endpoints, created in its portal.
 */
@EmitsWebhook({ name: 'order', on: ['insert', 'update', 'remove'], tenant: (order: Order) => order.shop })
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

  /** The marketplace shop the order was placed in, if any: the tenant of its webhooks. */
  @Column({ type: 'varchar', length: 60, nullable: true })
  shop?: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
