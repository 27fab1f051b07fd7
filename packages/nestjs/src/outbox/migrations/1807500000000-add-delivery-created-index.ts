import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes of deliveries in the delivery log's order (creation time and id, newest first), over every tenant and per
 * tenant (a portal's log), for `search()` and `list()`: a page is the next 50 entries after the cursor's
 * `(created_at, id)` and a total counts at most 10,001, instead of sorting the whole log or reading every tenant's.
 * Bench B15, 1M deliveries on PostgreSQL: the unfiltered first page and total took 4.1 s without them, 15 ms with
 * them; a tenant's, 7 ms. The columns are written once, at fan-out: a claim and an outcome change none, so on
 * PostgreSQL they stay HOT updates (see AddPendingDeliveryIndexes1804000000000); each new delivery writes two entries.
 * Prefix searches need nothing new: the primary key and the `(event_id, endpoint_id)` key read id ranges.
 */
export class AddDeliveryCreatedIndex1807500000000 implements MigrationInterface {
  name = 'AddDeliveryCreatedIndex1807500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'webhook_delivery',
      new TableIndex({ name: 'IDX_webhook_delivery_created', columnNames: ['created_at', 'id'] }),
    );
    await queryRunner.createIndex(
      'webhook_delivery',
      new TableIndex({ name: 'IDX_webhook_delivery_tenant_created', columnNames: ['tenant', 'created_at', 'id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_delivery', 'IDX_webhook_delivery_tenant_created');
    await queryRunner.dropIndex('webhook_delivery', 'IDX_webhook_delivery_created');
  }
}
