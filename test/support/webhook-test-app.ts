import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRelay, RelayOrchestrator, WebhookModule, type WebhookModuleOptions } from '@webhook-outbox/nestjs';
import { DataSource } from 'typeorm';
import { Article, AuditNote, Invoice, ShopOrder } from './shop-order.entity.js';
import type { TestDatabase } from './test-databases.js';

/** A Nest application with TypeORM on a test database and the webhook module, as a user would wire them. */
export interface WebhookTestApp {
  app: INestApplication;
  dataSource: DataSource;
  /** Warnings logged by the application, in order. */
  warnings: string[];
  relay: OutboxRelay;
  orchestrator: RelayOrchestrator;
  close(): Promise<void>;
}

export async function startWebhookTestApp(
  database: TestDatabase,
  options: WebhookModuleOptions,
  { keepTables = false }: { keepTables?: boolean } = {},
): Promise<WebhookTestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ ...database.options, entities: [ShopOrder, AuditNote, Article, Invoice], autoLoadEntities: true, synchronize: true, logging: false, retryAttempts: 0 }),
      WebhookModule.forRoot(options),
    ],
  }).compile();
  const warnings: string[] = [];
  const logger: LoggerService = {
    log: () => undefined,
    error: (message: unknown, ...rest: unknown[]) => console.error(message, ...rest),
    warn: (message: unknown) => void warnings.push(String(message)),
  };
  const app = moduleRef.createNestApplication({ logger });
  await app.init();
  const dataSource = app.get(DataSource);
  // Each test file shares one database; each app starts from empty tables unless it plays a restart.
  if (!keepTables) for (const metadata of dataSource.entityMetadatas) await dataSource.getRepository(metadata.target).clear();
  return {
    app,
    dataSource,
    warnings,
    relay: app.get(OutboxRelay),
    orchestrator: app.get(RelayOrchestrator),
    close: () => app.close(),
  };
}
