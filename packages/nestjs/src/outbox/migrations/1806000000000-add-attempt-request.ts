import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from './migration-columns.js';

/**
 * Each attempt's request as it was sent (method, URL, headers with secret values elided, as JSON), so a delivery's
 * history shows where its attempts went even after the endpoint changed. NULL for attempts recorded before.
 */
export class AddAttemptRequest1806000000000 implements MigrationInterface {
  name = 'AddAttemptRequest1806000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { text } = columnsFor(queryRunner);
    await queryRunner.addColumn('webhook_attempt', new TableColumn(text('request', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_attempt', 'request');
  }
}
