import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from './migration-columns.js';

/**
 * Rate limits shared by every instance: a stored endpoint's limit (`{ perSecond }` or `{ perMinute }` as JSON), and
 * per endpoint state row the current send window's start and the sends it granted.
 */
export class AddRateLimits1803000000000 implements MigrationInterface {
  name = 'AddRateLimits1803000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { text, bigint, int } = columnsFor(queryRunner);
    await queryRunner.addColumn('webhook_endpoint', new TableColumn(text('rate_limit', true)));
    await queryRunner.addColumn('webhook_endpoint_state', new TableColumn(bigint('rate_window', true)));
    await queryRunner.addColumn('webhook_endpoint_state', new TableColumn(int('rate_used', false, 0)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_endpoint_state', 'rate_used');
    await queryRunner.dropColumn('webhook_endpoint_state', 'rate_window');
    await queryRunner.dropColumn('webhook_endpoint', 'rate_limit');
  }
}
