import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from './migration-columns.js';

/** Per stored endpoint, the conditions an event must meet to be delivered to it (`WebhookFilter` as JSON), or NULL. */
export class AddEndpointFilter1801000000000 implements MigrationInterface {
  name = 'AddEndpointFilter1801000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { text } = columnsFor(queryRunner);
    await queryRunner.addColumn('webhook_endpoint', new TableColumn(text('filter', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_endpoint', 'filter');
  }
}
