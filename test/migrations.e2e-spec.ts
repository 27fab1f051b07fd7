import { webhookOutboxEntities, webhookOutboxMigrations } from '@webhook-outbox/nestjs';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/test-databases.js';

describe.each(DATABASE_KINDS)('shipped migrations on %s', (kind) => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    dataSource = new DataSource({
      ...database.options,
      entities: webhookOutboxEntities,
      migrations: webhookOutboxMigrations,
    });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('create from an empty database exactly the schema the entities describe', async () => {
    const applied = await dataSource.runMigrations();
    expect(applied.map((m) => m.name)).toEqual([
      'CreateWebhookOutbox1763900000000',
      'AddDeliveryEngine1795000000000',
      'AddWebhookInbox1796000000000',
      'AddEndpointStore1797000000000',
      'AddUnfannedEventIndex1798000000000',
      'AddTraceContext1799000000000',
      'AddAttemptTimeIndex1800000000000',
      'AddEndpointFilter1801000000000',
      'AddTransformations1802000000000',
      'AddRateLimits1803000000000',
      'AddPendingDeliveryIndexes1804000000000',
      'AddCodeEndpointRegistry1805000000000',
      'AddAttemptRequest1806000000000',
      'AddDeliveryEndpointIndex1807000000000',
      'AddDeliveryCreatedIndex1807500000000',
      'AddPortalLinks1808000000000',
    ]);
    // What synchronize would still change; nothing, if the migration and the entities agree.
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('revert cleanly', async () => {
    for (let i = 0; i < webhookOutboxMigrations.length; i++) await dataSource.undoLastMigration();
    const runner = dataSource.createQueryRunner();
    try {
      for (const table of [
        'webhook_event',
        'webhook_delivery',
        'webhook_attempt',
        'webhook_endpoint_state',
        'webhook_endpoint',
        'webhook_backfill',
        'webhook_entity_sequence',
        'webhook_inbox',
      ])
        expect(await runner.hasTable(table)).toBe(false);
    } finally {
      await runner.release();
    }
  });
});
