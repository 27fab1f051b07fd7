import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRelay, RelayOrchestrator } from '@webhook-outbox/nestjs/internal';
import {
  WEBHOOK_CLOCK,
  type WebhookClock,
  WebhookModule,
  type WebhookModuleOptions,
  webhookOutboxMigrations,
} from '@webhook-outbox/nestjs';
import { DataSource } from 'typeorm';
import {
  Article,
  AuditNote,
  CatalogItem,
  Currency,
  Customer,
  Invoice,
  Parcel,
  Shipment,
  ShopOrder,
  ShopSale,
  Subscription,
  Warehouse,
} from './shop-order.entity.js';
import type { HttpPlatform } from './receiver-test-app.js';
import type { TestDatabase } from './test-databases.js';

/** A Nest application with TypeORM on a test database and the webhook module, as a user would wire them. */
export interface WebhookTestApp {
  app: INestApplication;
  dataSource: DataSource;
  /** Warnings logged by the application, in order. */
  warnings: string[];
  /** Everything the application logged, at every level, in order. */
  logs: string[];
  /** The same, as the logger got it: level, message, and the structured fields (a plain object after the message). */
  records: Array<{ level: string; message: unknown; fields?: Record<string, unknown> }>;
  relay: OutboxRelay;
  orchestrator: RelayOrchestrator;
  /** `http://127.0.0.1:<port>` when started with `listen`. */
  url: string;
  close(): Promise<void>;
}

/** Test receivers listen on http://127.0.0.1, which the destination policy refuses unless told otherwise. */
const LOOPBACK_DELIVERY = { allowHttp: true, allowPrivateNetworks: true };

export interface WebhookTestAppSettings {
  /** Keep the tables' rows (a restart) instead of starting empty. */
  keepTables?: boolean;
  /** Replaces the wall clock the relay schedules by. */
  clock?: WebhookClock;
  /** More modules for the application (e.g. the admin API). */
  imports?: ModuleMetadata['imports'];
  /** Listen for HTTP on 127.0.0.1 (a random port): `url` is then its base URL. */
  listen?: boolean;
  /** The HTTP platform: Express (default) or Fastify. */
  platform?: HttpPlatform;
  /**
   * Create the module's tables with its migrations, as a production application does, rather than from the entities
   * (the benchmarks: some settings of the tables, such as PostgreSQL's fillfactor, only the migrations make).
   */
  migrations?: boolean;
}

/** A clock that stands still until moved, for testing schedules without waiting. */
export class ManualClock implements WebhookClock {
  constructor(private time = Date.now()) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export async function startWebhookTestApp(
  database: TestDatabase,
  options: WebhookModuleOptions,
  {
    keepTables = false,
    clock,
    imports = [],
    listen = false,
    platform = 'express',
    migrations = false,
  }: WebhookTestAppSettings = {},
): Promise<WebhookTestApp> {
  const builder = Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        ...database.options,
        entities: [
          ShopOrder,
          AuditNote,
          Article,
          Invoice,
          ShopSale,
          Customer,
          Subscription,
          Shipment,
          Warehouse,
          Parcel,
          Currency,
          CatalogItem,
        ],
        autoLoadEntities: true,
        // With migrations, they run first; synchronize then adds only the test entities' tables.
        ...(migrations && { migrations: webhookOutboxMigrations, migrationsRun: true }),
        synchronize: true,
        logging: false,
        retryAttempts: 0,
      }),
      WebhookModule.forRoot({ ...options, delivery: { ...LOOPBACK_DELIVERY, ...options.delivery } }),
      ...imports,
    ],
  });
  if (clock) builder.overrideProvider(WEBHOOK_CLOCK).useValue(clock);
  const moduleRef = await builder.compile();
  const warnings: string[] = [];
  const logs: string[] = [];
  const records: WebhookTestApp['records'] = [];
  const isFields = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
  const record = (level: string, message: unknown, rest: unknown[]) => {
    logs.push([message, ...rest.filter((part) => !isFields(part))].map(String).join(' '));
    records.push({ level, message, ...(rest.some(isFields) && { fields: rest.find(isFields) }) });
  };
  const logger: LoggerService = {
    log: (message: unknown, ...rest: unknown[]) => void record('log', message, rest),
    debug: (message: unknown, ...rest: unknown[]) => void record('debug', message, rest),
    verbose: (message: unknown, ...rest: unknown[]) => void record('verbose', message, rest),
    error: (message: unknown, ...rest: unknown[]) => {
      record('error', message, rest);
      console.error(message, ...rest);
    },
    warn: (message: unknown, ...rest: unknown[]) => {
      record('warn', message, rest);
      warnings.push(String(message));
    },
  };
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { logger })
      : moduleRef.createNestApplication({ logger });
  const dataSource = moduleRef.get(DataSource);
  // Each test file shares one database; each app starts from empty tables unless it plays a restart.
  // Before init, which starts the relay: a relay running while the tables are emptied one by one could fan out a
  // leftover event after its deliveries were cleared and before the event was.
  if (!keepTables)
    for (const metadata of dataSource.entityMetadatas) await dataSource.getRepository(metadata.target).clear();
  await app.init();
  if (listen) await app.listen(0, '127.0.0.1');
  return {
    app,
    dataSource,
    warnings,
    logs,
    records,
    relay: app.get(OutboxRelay),
    orchestrator: app.get(RelayOrchestrator),
    url: listen ? (await app.getUrl()).replace('[::1]', '127.0.0.1') : '',
    close: () => app.close(),
  };
}
