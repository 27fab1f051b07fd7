import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { columnsFor } from './migration-columns.js';

/**
 * The inbox of processed inbound webhooks, keyed by (receiver, webhook id): a redelivery whose id is here is
 * acknowledged without running its handler again. `received_at` is indexed so old ids can be pruned.
 */
export class AddWebhookInbox1796000000000 implements MigrationInterface {
  name = 'AddWebhookInbox1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, bigint } = columnsFor(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'webhook_inbox',
        columns: [
          { ...varchar('receiver', 100), isPrimary: true },
          { ...varchar('webhook_id', 255), isPrimary: true },
          bigint('received_at'),
        ],
        indices: [new TableIndex({ name: 'IDX_webhook_inbox_received_at', columnNames: ['received_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_inbox');
  }
}
