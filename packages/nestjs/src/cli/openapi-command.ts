import { Reflector } from '@nestjs/core';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { buildEntityMetadatas } from '../compat/typeorm-compat.js';
import type { WebhookOpenApiInfo } from '../emit/event-catalog.openapi.js';
import { WebhookEventTypes } from '../emit/webhook-event-types.service.js';
import { WebhookMetadataAccessor } from '../emit/webhook-metadata.accessor.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';

/**
 * The event catalog of an application's DataSource, read from its entities' metadata without connecting to the
 * database: what `openapi` documents and `trigger` sends examples of. Types published with `WebhookPublisher` live
 * in the module's options, which a DataSource file does not have.
 */
export async function entityEventCatalog(options: DataSourceOptions): Promise<WebhookEventTypes> {
  const dataSource = new DataSource({ ...options, synchronize: false, migrationsRun: false, logging: false });
  await buildEntityMetadatas(dataSource);
  const rules = new WebhookMetadataAccessor(new Reflector());
  rules.load(dataSource);
  const moduleOptions = {
    eventTypes: [],
    eventTypeDeclarations: {},
    endpoints: [],
  } as unknown as ResolvedWebhookOptions;
  return new WebhookEventTypes(moduleOptions, rules);
}

/**
 * The OpenAPI document of the entity events of an application's DataSource (see `entityEventCatalog`);
 * `WebhookEventTypes.openApi()` in the app includes the published types too.
 */
export async function entityEventsOpenApi(options: DataSourceOptions, info: WebhookOpenApiInfo): Promise<unknown> {
  return (await entityEventCatalog(options)).openApi(info);
}
