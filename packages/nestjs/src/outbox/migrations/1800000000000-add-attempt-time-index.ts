import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/** An index of attempts by start time, for the dashboard's attempts-per-minute over the last hours. */
export class AddAttemptTimeIndex1800000000000 implements MigrationInterface {
  name = 'AddAttemptTimeIndex1800000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'webhook_attempt',
      new TableIndex({ name: 'IDX_webhook_attempt_started', columnNames: ['started_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_attempt', 'IDX_webhook_attempt_started');
  }
}
