import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnsFor } from './migration-columns.js';

/**
 * Endpoints stored in the database (beside those in options), the progress of backfills, the tenant, per-row
 * sequence and ordering key of events and deliveries (with the per-row counters), and an index on `completed_at` so
 * retention finds finished deliveries without scanning the log.
 */
export class AddEndpointStore1797000000000 implements MigrationInterface {
  name = 'AddEndpointStore1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, bigint, int, text, primaryId } = columnsFor(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'webhook_endpoint',
        columns: [
          primaryId(),
          varchar('tenant', 191, true),
          varchar('url', 2048),
          varchar('description', 1000, true),
          text('event_types'),
          varchar('method', 8),
          varchar('body_format', 16),
          varchar('payload_format', 8),
          text('headers'),
          text('secrets'),
          bigint('created_at'),
          bigint('updated_at'),
        ],
        indices: [new TableIndex({ name: 'IDX_webhook_endpoint_tenant', columnNames: ['tenant'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_backfill',
        columns: [
          primaryId(),
          varchar('endpoint_id', 191),
          varchar('entity', 191),
          bigint('since', true),
          varchar('last_key', 255, true),
          int('events'),
          bigint('created_at'),
          bigint('updated_at'),
          bigint('completed_at', true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_entity_sequence',
        columns: [
          { ...varchar('entity', 191), isPrimary: true },
          { ...varchar('entity_id', 191), isPrimary: true },
          bigint('last'),
        ],
      }),
    );
    await queryRunner.addColumns('webhook_event', [
      new TableColumn(varchar('tenant', 191, true)),
      new TableColumn(bigint('sequence', true)),
      new TableColumn(varchar('ordering_key', 191, true)),
    ]);
    await queryRunner.addColumns('webhook_delivery', [
      new TableColumn(varchar('tenant', 191, true)),
      new TableColumn(varchar('ordering_key', 191, true)),
      new TableColumn(bigint('sequence', true)),
    ]);
    await queryRunner.createIndex(
      'webhook_delivery',
      new TableIndex({ name: 'IDX_webhook_delivery_completed', columnNames: ['completed_at'] }),
    );
    await queryRunner.createIndex(
      'webhook_delivery',
      new TableIndex({
        name: 'IDX_webhook_delivery_ordering',
        columnNames: ['endpoint_id', 'ordering_key', 'sequence'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_delivery', 'IDX_webhook_delivery_ordering');
    await queryRunner.dropIndex('webhook_delivery', 'IDX_webhook_delivery_completed');
    await queryRunner.dropColumns('webhook_delivery', ['tenant', 'ordering_key', 'sequence']);
    await queryRunner.dropColumns('webhook_event', ['tenant', 'sequence', 'ordering_key']);
    await queryRunner.dropTable('webhook_entity_sequence');
    await queryRunner.dropTable('webhook_backfill');
    await queryRunner.dropTable('webhook_endpoint');
  }
}
