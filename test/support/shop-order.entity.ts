import { EmitsWebhook, WebhookExclude } from '@webhook-outbox/nestjs';
import {
  Column,
  DeleteDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

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

/** A customer's address, embedded in its row. */
export class CustomerAddress {
  @Column({ type: 'varchar', length: 100, nullable: true })
  street!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  city!: string | null;
}

/**
 * Three rules on one entity: every insert and update as customer.created / customer.updated without the phone and
 * street; tier changes as customer.tier_changed (phone included); password changes as customer.password_changed.
 * The password hash is never emitted by any rule.
 */
@EmitsWebhook<Customer>({ name: 'customer', on: ['insert', 'update'], redact: ['phone', 'address.street'] })
@EmitsWebhook<Customer>({ types: { update: 'customer.tier_changed' }, columns: ['tier'], coalesce: false })
@EmitsWebhook<Customer>({ types: { update: 'customer.password_changed' }, columns: ['passwordHash'] })
@Entity({ name: 'test_customer' })
export class Customer {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 20, default: 'basic' })
  tier!: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;

  @WebhookExclude()
  @Column({ name: 'password_hash', type: 'varchar', length: 100, default: '' })
  passwordHash!: string;

  @Column({ name: 'lifetime_cents', type: 'bigint', default: 0 })
  lifetimeCents!: string | number;

  @Column({ type: 'boolean', default: false })
  vip!: boolean;

  @Column({ name: 'last_seen_at', type: Date, nullable: true })
  lastSeenAt!: Date | null;

  @Column({ type: 'date', nullable: true })
  birthday!: string | null;

  @Column(() => CustomerAddress)
  address!: CustomerAddress;
}

/** A subscription known by the billing provider's id: upserted by it. */
@EmitsWebhook()
@Entity({ name: 'test_subscription' })
export class Subscription {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'external_id', type: 'varchar', length: 40, unique: true })
  externalId!: string;

  @Column({ type: 'varchar', length: 20 })
  plan!: string;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}

/** A shipment whose events go to each endpoint in order: a receiver never sees "delivered" before "dispatched". */
@EmitsWebhook<Shipment>({ ordered: true, on: ['insert', 'update'] })
@Entity({ name: 'test_shipment' })
export class Shipment {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 20, default: 'created' })
  status!: string;
}

/** A warehouse: parcels send it as an object when it is loaded, never with its access code. */
@Entity({ name: 'test_warehouse' })
export class Warehouse {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 60 })
  name!: string;

  @WebhookExclude()
  @Column({ name: 'access_code', type: 'varchar', length: 20, default: '' })
  accessCode!: string;
}

/** Two rules: parcel.* with the warehouse as an object when loaded; parcel_ref.* with it as an id only. */
@EmitsWebhook<Parcel>({ name: 'parcel', on: ['insert', 'update'], relations: ['warehouse'] })
@EmitsWebhook<Parcel>({ name: 'parcel_ref', on: ['insert'] })
@Entity({ name: 'test_parcel' })
export class Parcel {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 60 })
  label!: string;

  // No foreign key, so the tests can empty the tables in any order.
  @ManyToOne(() => Warehouse, { nullable: true, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'warehouse_id' })
  warehouse!: Warehouse | null;
}

/** A currency, keyed by its code: a natural key that can come back after a removal. */
@EmitsWebhook()
@Entity({ name: 'test_currency' })
export class Currency {
  @PrimaryColumn({ type: 'varchar', length: 3 })
  code!: string;

  @Column({ type: 'varchar', length: 40 })
  name!: string;
}

/** A catalog item with a price: a decimal whose value, not its spelling, decides whether it changed. */
@EmitsWebhook<CatalogItem>({ name: 'item', on: ['insert', 'update'] })
@EmitsWebhook<CatalogItem>({ types: { update: 'item.repriced' }, columns: ['price'] })
@Entity({ name: 'test_catalog_item' })
export class CatalogItem {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'decimal', precision: 10, scale: 2 })
  price!: string;

  @Column({ type: 'boolean', default: false })
  featured!: boolean;
}
