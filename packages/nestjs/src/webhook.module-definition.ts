import { ConfigurableModuleBuilder } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { webhookOutboxEntities } from './outbox/entities/index.js';
import { type CapturedDataSources, captureDataSourceNames, capturedDataSources } from './outbox/outbox-data-sources.js';
import type { WebhookModuleExtras, WebhookModuleOptions } from './options/webhook-module.options.js';
import { WEBHOOK_CAPTURED_DATA_SOURCES, WEBHOOK_DATA_SOURCE } from './webhook.tokens.js';

/**
 * `forRoot` / `forRootAsync` come from Nest's builder. The DataSource names are extras rather than options
 * because they must be known when the module is defined (to alias the DataSources' tokens and register the outbox
 * entities with `autoLoadEntities`), also when the options themselves come from an async factory.
 */
export const {
  ConfigurableModuleClass: ConfigurableWebhookModule,
  MODULE_OPTIONS_TOKEN: WEBHOOK_MODULE_OPTIONS,
  OPTIONS_TYPE: WEBHOOK_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WEBHOOK_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WebhookModuleOptions>({ moduleName: 'Webhook' })
  .setClassMethodName('forRoot')
  .setExtras<WebhookModuleExtras>(
    { isGlobal: true, dataSource: undefined, captureDataSources: [] },
    (definition, extras) => {
      const names = captureDataSourceNames(extras.dataSource, extras.captureDataSources);
      const others = names.slice(1);
      return {
        ...definition,
        global: extras.isGlobal,
        imports: [
          ...(definition.imports ?? []),
          TypeOrmModule.forFeature(webhookOutboxEntities, extras.dataSource),
          ...others.map((name) => TypeOrmModule.forFeature(webhookOutboxEntities, name)),
        ],
        providers: [
          ...(definition.providers ?? []),
          { provide: WEBHOOK_DATA_SOURCE, useExisting: getDataSourceToken(extras.dataSource) },
          {
            provide: WEBHOOK_CAPTURED_DATA_SOURCES,
            useFactory: (...dataSources: DataSource[]): CapturedDataSources => capturedDataSources(names, dataSources),
            inject: [getDataSourceToken(extras.dataSource), ...others.map((name) => getDataSourceToken(name))],
          },
        ],
        exports: [...(definition.exports ?? []), WEBHOOK_DATA_SOURCE, WEBHOOK_CAPTURED_DATA_SOURCES],
      };
    },
  )
  .build();
