import type { INestApplication, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  WebhookModule,
  WebhookReceiverEvents,
  type WebhookReceiverOptions,
  type WebhookRefusedEvent,
  type WebhookDuplicateEvent,
} from '@webhook-outbox/nestjs';
import type { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { listenOnLoopback } from './loopback.js';
import type { TestDatabase } from './test-databases.js';

/** The two HTTP platforms Nest ships adapters for; the receiving side must work on both. */
export type HttpPlatform = 'express' | 'fastify';
export const HTTP_PLATFORMS: HttpPlatform[] = ['express', 'fastify'];

export interface ReceiverTestApp {
  app: INestApplication;
  base: string;
  dataSource: DataSource;
  /** Every refusal the app emitted, in order. */
  refusals: WebhookRefusedEvent[];
  duplicates: WebhookDuplicateEvent[];
  /** Every line the app logged, as "level: message". */
  logs: string[];
  post(path: string, body: string | Buffer, headers: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export interface ReceiverTestAppSettings {
  platform?: HttpPlatform;
  receivers?: Record<string, WebhookReceiverOptions>;
  controllers: Type[];
  entities?: Type[];
  /** Default `true`; `false` shows what happens when the app forgets it. */
  rawBody?: boolean;
  /**
   * The platform's own body limit in bytes, raised as the README says: `useBodyParser('json', { limit })` on
   * Express (default 100 kB), `new FastifyAdapter({ bodyLimit })` on Fastify (default 1 MiB).
   */
  bodyLimit?: number;
  /** Called before the app listens, e.g. to add global filters. */
  configure?: (app: INestApplication) => void;
}

/**
 * A receiving app on a real HTTP server on 127.0.0.1: TypeORM on the test database, WebhookModule with the given
 * receivers (relay off: nothing is sent from here), and the given controllers.
 */
export async function startReceiverApp(
  database: TestDatabase,
  settings: ReceiverTestAppSettings,
): Promise<ReceiverTestApp> {
  const module = {
    module: class ReceiverTestModule {},
    imports: [
      TypeOrmModule.forRoot({
        ...database.options,
        entities: settings.entities ?? [],
        autoLoadEntities: true,
        synchronize: true,
        retryAttempts: 0,
      }),
      ...(settings.entities?.length ? [TypeOrmModule.forFeature(settings.entities)] : []),
      WebhookModule.forRoot({ receivers: settings.receivers ?? {}, relay: { enabled: false } }),
    ],
    controllers: settings.controllers,
  };
  const logs: string[] = [];
  const capture = (level: string) => (message: unknown) => void logs.push(`${level}: ${String(message)}`);
  const logger: LoggerService = {
    log: capture('log'),
    warn: capture('warn'),
    error: capture('error'),
    debug: capture('debug'),
    verbose: capture('verbose'),
  };
  const options = { rawBody: settings.rawBody ?? true, logger };
  const app =
    settings.platform === 'fastify'
      ? await NestFactory.create(
          module,
          new FastifyAdapter(settings.bodyLimit ? { bodyLimit: settings.bodyLimit } : {}),
          options,
        )
      : await NestFactory.create<NestExpressApplication>(module, options);
  if (settings.platform !== 'fastify' && settings.bodyLimit)
    (app as NestExpressApplication).useBodyParser('json', { limit: settings.bodyLimit });
  settings.configure?.(app);
  const refusals: WebhookRefusedEvent[] = [];
  const duplicates: WebhookDuplicateEvent[] = [];
  const events = app.get(WebhookReceiverEvents);
  events.refused.subscribe((event) => refusals.push(event));
  events.duplicates.subscribe((event) => duplicates.push(event));
  const base = await listenOnLoopback(app);
  return {
    app,
    base,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    refusals,
    duplicates,
    logs,
    post: (path, body, headers) => fetch(`${base}${path}`, { method: 'POST', headers, body }),
    close: () => app.close(),
  };
}
