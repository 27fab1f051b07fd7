import { ConfigurableModuleBuilder } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { webhookOutboxEntities } from './outbox/entities/index.js';
import type { WebhookModuleExtras, WebhookModuleOptions } from './webhook-options.js';
import { WEBHOOK_DATA_SOURCE } from './webhook.tokens.js';

/**
 * `forRoot` / `forRootAsync` come from Nest's builder. The DataSource name is an extra rather than an option
 * because it must be known when the module is defined (to alias the DataSource's token and register the outbox
 * entities with `autoLoadEntities`), also when the options themselves come from an async factory.
 */
export const {
  ConfigurableModuleClass: ConfigurableWebhookModule,
  MODULE_OPTIONS_TOKEN: WEBHOOK_MODULE_OPTIONS,
  OPTIONS_TYPE: WEBHOOK_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WEBHOOK_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WebhookModuleOptions>({ moduleName: 'Webhook' })
  .setClassMethodName('forRoot')
  .setExtras<WebhookModuleExtras>({ isGlobal: true, dataSource: undefined }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    imports: [...(definition.imports ?? []), TypeOrmModule.forFeature(webhookOutboxEntities, extras.dataSource)],
    providers: [...(definition.providers ?? []), { provide: WEBHOOK_DATA_SOURCE, useExisting: getDataSourceToken(extras.dataSource) }],
    exports: [...(definition.exports ?? []), WEBHOOK_DATA_SOURCE],
  }))
  .build();
