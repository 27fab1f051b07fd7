import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  webhookOutboxEntities,
  webhookOutboxMigrations,
  WebhookModule,
  type WebhookModuleOptions,
} from '@webhook-outbox/nestjs';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/test-databases.js';

const ALL_MIGRATIONS = webhookOutboxMigrations.map((Migration) => new Migration().name!);

interface LogLine {
  level: string;
  message: string;
}

/** A DataSource as a production app declares it: no `synchronize`, the schema comes from migrations. */
function productionDataSource(database: TestDatabase, migrations: DataSourceOptions['migrations'] = []): DataSource {
  return new DataSource({
    ...database.options,
    entities: webhookOutboxEntities,
    migrations,
    synchronize: false,
    logging: false,
  });
}

describe.each(DATABASE_KINDS)('the module start and the package migrations on %s', (kind) => {
  let database: TestDatabase;
  /** The app's DataSource, kept here so a failed start leaves no connection open. */
  let dataSource: DataSource;
  let app: INestApplication | undefined;
  let lines: LogLine[];

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    dataSource = productionDataSource(database);
    lines = [];
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  });

  /** Applies the package's first `count` migrations, as an earlier release's deploy did. */
  async function migrateFirst(count: number): Promise<void> {
    const earlier = productionDataSource(database, webhookOutboxMigrations.slice(0, count));
    await earlier.initialize();
    await earlier.runMigrations();
    await earlier.destroy();
  }

  async function start(options: WebhookModuleOptions = {}): Promise<INestApplication> {
    const logger: LoggerService = {
      log: (message: unknown) => void lines.push({ level: 'log', message: String(message) }),
      warn: (message: unknown) => void lines.push({ level: 'warn', message: String(message) }),
      error: (message: unknown) => void lines.push({ level: 'error', message: String(message) }),
    };
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...database.options, retryAttempts: 0 }),
          dataSourceFactory: async () => dataSource.initialize(),
        }),
        WebhookModule.forRoot({ relay: { enabled: false }, retention: { enabled: false }, ...options }),
      ],
    })
      .setLogger(logger)
      .compile();
    app = await moduleRef.createNestApplication({ logger }).init();
    return app;
  }

  const aboutMigrations = () => lines.filter((line) => /migration/i.test(line.message));

  it('refuses to start on an empty database, naming every migration and the command that applies them', async () => {
    const failure = start().then(
      () => undefined,
      (error: unknown) => error,
    );
    await expect(failure).resolves.toMatchObject({ name: 'WebhookMigrationsPendingError', pending: ALL_MIGRATIONS });
    const { message } = (await failure) as Error;
    expect(message).toContain('npx webhook-outbox migrate --data-source <your DataSource file>');
    expect(message).toContain("'run' applies them at start");
    for (const name of ALL_MIGRATIONS) expect(message).toContain(name);
  });

  it('refuses to start while the latest migrations are pending, naming only those', async () => {
    await migrateFirst(ALL_MIGRATIONS.length - 2);
    await expect(start()).rejects.toMatchObject({
      name: 'WebhookMigrationsPendingError',
      dataSource: 'default',
      pending: ALL_MIGRATIONS.slice(-2),
    });
  });

  it("with migrations: 'warn', logs the pending migrations as a warning and starts", async () => {
    // The schema is complete but the last migration is not recorded (say, applied by hand): the module works.
    await migrateFirst(ALL_MIGRATIONS.length);
    const bookkeeping = productionDataSource(database);
    await bookkeeping.initialize();
    await bookkeeping
      .createQueryBuilder()
      .delete()
      .from('migrations')
      .where('name = :name', { name: ALL_MIGRATIONS.at(-1) })
      .execute();
    await bookkeeping.destroy();
    await start({ migrations: 'warn' });
    expect(aboutMigrations()).toEqual([
      {
        level: 'warn',
        message: expect.stringContaining(`not applied to the DataSource "default": ${ALL_MIGRATIONS.at(-1)}.`),
      },
    ]);
  });

  it("with migrations: 'run', creates the tables at start", async () => {
    await start({ migrations: 'run' });
    const runner = dataSource.createQueryRunner();
    try {
      for (const table of ['webhook_event', 'webhook_delivery', 'webhook_attempt', 'webhook_endpoint'])
        expect(await runner.hasTable(table)).toBe(true);
    } finally {
      await runner.release();
    }
    expect(aboutMigrations()).toEqual([
      {
        level: 'log',
        message: `Applied ${ALL_MIGRATIONS.length} migration(s) to the DataSource "default": ${ALL_MIGRATIONS.join(', ')}.`,
      },
    ]);
  });

  it('starts without a word about migrations once they are all applied', async () => {
    await migrateFirst(ALL_MIGRATIONS.length);
    await start();
    expect(aboutMigrations()).toEqual([]);
  });
});
