import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * An index of the events not fanned out yet, in fan-out order. On PostgreSQL and SQLite it is partial (only those
 * rows), so it stays as small as the backlog: without it, a backlog of pending events was sorted in full at every
 * fan-out. MySQL/MariaDB has no partial indexes and creates it over every row (its fan-out uses
 * `IDX_webhook_event_pending` instead, whose `fanned_out_at IS NULL` lookup is already in that order there).
 */
export class AddUnfannedEventIndex1798000000000 implements MigrationInterface {
  name = 'AddUnfannedEventIndex1798000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'webhook_event',
      new TableIndex({
        name: 'IDX_webhook_event_unfanned',
        columnNames: ['occurred_at', 'id'],
        where: 'fanned_out_at IS NULL',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_event', 'IDX_webhook_event_unfanned');
  }
}
