import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * An index of deliveries by endpoint and last change, for each endpoint's figures (success rate, latency, last
 * success and failure) and its latest event: every attempt sets its delivery's `updated_at`, so the deliveries of an
 * endpoint changed since a time hold every attempt to it since then, read newest first and capped. A claim changes
 * neither column, so on PostgreSQL it stays a HOT update (see AddPendingDeliveryIndexes1804000000000); an
 * attempt's outcome, which already writes an entry in the due index, writes one more here.
 */
export class AddDeliveryEndpointIndex1807000000000 implements MigrationInterface {
  name = 'AddDeliveryEndpointIndex1807000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'webhook_delivery',
      new TableIndex({ name: 'IDX_webhook_delivery_endpoint_updated', columnNames: ['endpoint_id', 'updated_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_delivery', 'IDX_webhook_delivery_endpoint_updated');
  }
}
