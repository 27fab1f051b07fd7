import { type MigrationInterface, type QueryRunner, Table, TableIndex, TableUnique } from 'typeorm';
import { columnsFor } from './migration-columns.js';

/**
 * Creates the outbox tables. Written with TypeORM's schema API rather than SQL so one migration serves
 * PostgreSQL, MySQL/MariaDB and SQLite; it produces exactly the schema of the entities.
 */
export class CreateWebhookOutbox1763900000000 implements MigrationInterface {
  name = 'CreateWebhookOutbox1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, bigint, int, text, primaryId } = columnsFor(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'webhook_event',
        columns: [
          primaryId(),
          varchar('type', 191),
          text('payload'),
          bigint('occurred_at'),
          bigint('fanned_out_at', true),
          varchar('source_entity', 191, true),
          varchar('source_id', 191, true),
        ],
        indices: [new TableIndex({ name: 'IDX_webhook_event_pending', columnNames: ['fanned_out_at', 'occurred_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_delivery',
        columns: [
          primaryId(),
          varchar('event_id', 64),
          varchar('endpoint_id', 191),
          varchar('status', 16),
          int('attempts'),
          bigint('next_attempt_at'),
          bigint('locked_until', true),
          varchar('lock_token', 64, true),
          int('last_status_code', true),
          varchar('last_error', 1000, true),
          bigint('created_at'),
          bigint('updated_at'),
          bigint('completed_at', true),
        ],
        uniques: [
          new TableUnique({ name: 'UQ_webhook_delivery_event_endpoint', columnNames: ['event_id', 'endpoint_id'] }),
        ],
        indices: [new TableIndex({ name: 'IDX_webhook_delivery_due', columnNames: ['status', 'next_attempt_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_attempt',
        columns: [
          primaryId(),
          varchar('delivery_id', 64),
          int('attempt_number'),
          bigint('started_at'),
          int('duration_ms'),
          varchar('outcome', 16),
          int('status_code', true),
          text('response_excerpt', true),
          varchar('error', 1000, true),
        ],
        indices: [
          new TableIndex({ name: 'IDX_webhook_attempt_delivery', columnNames: ['delivery_id', 'attempt_number'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_attempt');
    await queryRunner.dropTable('webhook_delivery');
    await queryRunner.dropTable('webhook_event');
  }
}
