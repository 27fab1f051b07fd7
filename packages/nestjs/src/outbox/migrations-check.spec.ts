import { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import { WebhookMigrationsPendingError } from '../errors/webhook-migrations-pending.error.js';
import { webhookOutboxEntities } from './entities/index.js';
import { webhookOutboxMigrations } from './migrations/index.js';
import { ensureOutboxMigrations } from './migrations-check.js';
import { capturedDataSources } from './outbox-data-sources.js';

const logger = { log: () => undefined, warn: () => undefined };

describe('ensureOutboxMigrations', () => {
  const opened: DataSource[] = [];
  afterEach(async () => {
    for (const dataSource of opened.splice(0)) await dataSource.destroy();
  });

  async function memoryDatabase(synchronize: boolean): Promise<DataSource> {
    const dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: webhookOutboxEntities,
      synchronize,
    });
    opened.push(await dataSource.initialize());
    return dataSource;
  }

  it('passes a DataSource with synchronize: true, whose tables come from the entities', async () => {
    const sources = capturedDataSources(['default'], [await memoryDatabase(true)]);
    await expect(ensureOutboxMigrations(sources, 'check', logger)).resolves.toBeUndefined();
  });

  it('refuses a DataSource without the tables, listing every migration in order', async () => {
    const sources = capturedDataSources(['default'], [await memoryDatabase(false)]);
    await expect(ensureOutboxMigrations(sources, 'check', logger)).rejects.toMatchObject({
      pending: webhookOutboxMigrations.map((Migration) => Migration.name),
    });
  });

  it('names the captured DataSource whose migrations are pending', async () => {
    const sources = capturedDataSources(
      ['default', 'billing'],
      [await memoryDatabase(true), await memoryDatabase(false)],
    );
    await expect(ensureOutboxMigrations(sources, 'check', logger)).rejects.toMatchObject({ dataSource: 'billing' });
  });

  it("with 'skip', leaves a DataSource without the tables alone", async () => {
    const dataSource = await memoryDatabase(false);
    await ensureOutboxMigrations(capturedDataSources(['default'], [dataSource]), 'skip', logger);
    expect(await dataSource.createQueryRunner().hasTable('migrations')).toBe(false);
  });

  it('refuses with a WebhookConfigurationError of its own name, so one catch handles every configuration problem', () => {
    const error = new WebhookMigrationsPendingError('default', ['AddRateLimits1803000000000']);
    expect(error).toBeInstanceOf(WebhookConfigurationError);
    expect(error.name).toBe('WebhookMigrationsPendingError');
  });

  it('says in its error how to apply the migrations and which option starts without them', () => {
    const { message } = new WebhookMigrationsPendingError('default', ['AddRateLimits1803000000000']);
    expect(message).toBe(
      'WebhookModule: 1 migration of @webhook-outbox/nestjs not applied to the DataSource "default": ' +
        'AddRateLimits1803000000000. Apply them before the app starts: npx webhook-outbox migrate --data-source ' +
        '<your DataSource file> (or --url <database URL>). Or set migrations in WebhookModule.forRoot(): ' +
        "'run' applies them at start (development), 'warn' starts anyway, 'skip' if you manage the schema yourself.",
    );
  });
});
