import { EmitsWebhook } from '@webhook-outbox/nestjs';
import { Column, DeleteDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The entity the end-to-end tests change; emits order.created / order.updated / order.deleted. */
@EmitsWebhook({ name: 'order' })
@Entity({ name: 'test_shop_order' })
export class ShopOrder {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  customer!: string;

  @Column({ type: 'varchar', length: 40, default: 'new' })
  status!: string;

  @Column({ type: 'int', default: 0 })
  total!: number;
}

/** An entity without @EmitsWebhook: its changes must never reach the outbox. */
@Entity({ name: 'test_audit_note' })
export class AuditNote {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  text!: string;
}

/** A soft-deletable entity: emits article.deleted on softRemove() and article.restored on recover(). */
@EmitsWebhook()
@Entity({ name: 'test_article' })
export class Article {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  title!: string;

  @DeleteDateColumn({ name: 'deleted_at' })
  deletedAt!: Date | null;
}

/**
 * Every @EmitsWebhook option at once: a dotted name, a subset of operations, a payload shape, and a condition
 * (updates emit only when the invoice becomes paid).
 */
@EmitsWebhook<Invoice>({
  name: 'billing.invoice',
  on: ['insert', 'update'],
  payload: (invoice, change) => {
    if (!invoice.number) throw new Error('an invoice without a number cannot be published');
    return { number: invoice.number, amountCents: BigInt(invoice.amountCents), kind: change.kind };
  },
  when: (change) => change.kind !== 'update' || change.changes?.status?.new === 'paid',
})
@Entity({ name: 'test_invoice' })
export class Invoice {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  number!: string;

  @Column({ type: 'int' })
  amountCents!: number;

  @Column({ type: 'varchar', length: 20, default: 'draft' })
  status!: string;
}

/** A sale of one shop of a marketplace: its events belong to the shop's tenant. */
@EmitsWebhook<ShopSale>({ name: 'sale', on: ['insert'], tenant: (sale) => sale.shop })
@Entity({ name: 'test_shop_sale' })
export class ShopSale {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  shop!: string;

  @Column({ type: 'int' })
  amount!: number;
}
