import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { columnsFor } from './migration-columns.js';

/**
 * The delivery engine's additions: why a delivery failed, the start of its current retry series, and a table of
 * endpoint health (pause, failing since, disabled) that every relay worker reads. Existing `dead` deliveries
 * become `failed` with the reason `exhausted`, which is what `dead` meant.
 */
export class AddDeliveryEngine1795000000000 implements MigrationInterface {
  name = 'AddDeliveryEngine1795000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, bigint, int } = columnsFor(queryRunner);
    await queryRunner.addColumns('webhook_delivery', [
      new TableColumn(varchar('failure_reason', 32, true)),
      new TableColumn(int('series_start', false, 0)),
    ]);
    await queryRunner.query(
      `UPDATE ${queryRunner.connection.driver.escape('webhook_delivery')} SET status = 'failed', failure_reason = 'exhausted' WHERE status = 'dead'`,
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_endpoint_state',
        columns: [
          { ...varchar('endpoint_id', 191), isPrimary: true },
          bigint('paused_until', true),
          bigint('failing_since', true),
          bigint('disabled_at', true),
          varchar('disabled_reason', 1000, true),
          bigint('updated_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_endpoint_state');
    await queryRunner.query(
      `UPDATE ${queryRunner.connection.driver.escape('webhook_delivery')} SET status = 'dead' WHERE status = 'failed'`,
    );
    await queryRunner.dropColumn('webhook_delivery', 'series_start');
    await queryRunner.dropColumn('webhook_delivery', 'failure_reason');
  }
}
