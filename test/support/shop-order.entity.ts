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
