import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from './migration-columns.js';

/**
 * The database as the one registry of endpoints: code endpoints (declared in module options) are registered in
 * `webhook_endpoint` beside stored ones (`source`), with whether they carry a function transformation, when an
 * instance last declared them, and when they were deleted or retired (a row kept without credentials, so every
 * instance knows the endpoint is gone rather than unknown).
 */
export class AddCodeEndpointRegistry1805000000000 implements MigrationInterface {
  name = 'AddCodeEndpointRegistry1805000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, int, bigint } = columnsFor(queryRunner);
    // Existing rows are stored endpoints: the default says so.
    await queryRunner.addColumn(
      'webhook_endpoint',
      new TableColumn({ ...varchar('source', 16), default: "'database'" }),
    );
    await queryRunner.addColumn('webhook_endpoint', new TableColumn(int('code_transform', false, 0)));
    await queryRunner.addColumn('webhook_endpoint', new TableColumn(bigint('declared_at', true)));
    await queryRunner.addColumn('webhook_endpoint', new TableColumn(bigint('retired_at', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_endpoint', 'retired_at');
    await queryRunner.dropColumn('webhook_endpoint', 'declared_at');
    await queryRunner.dropColumn('webhook_endpoint', 'code_transform');
    await queryRunner.dropColumn('webhook_endpoint', 'source');
  }
}
