import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from './migration-columns.js';

/**
 * Transformations: a stored endpoint's JMESPath expression; per delivery, the body of record a transformation made
 * and what it changed of the request (or why it failed). All NULL when nothing is transformed.
 */
export class AddTransformations1802000000000 implements MigrationInterface {
  name = 'AddTransformations1802000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { text } = columnsFor(queryRunner);
    await queryRunner.addColumn('webhook_endpoint', new TableColumn(text('transform', true)));
    await queryRunner.addColumn('webhook_delivery', new TableColumn(text('payload', true)));
    await queryRunner.addColumn('webhook_delivery', new TableColumn(text('request', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_delivery', 'request');
    await queryRunner.dropColumn('webhook_delivery', 'payload');
    await queryRunner.dropColumn('webhook_endpoint', 'transform');
  }
}
