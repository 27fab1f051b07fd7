import type { DataSource } from 'typeorm';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import { fittedKey } from './key-columns.js';
import { WebhookEventEntity } from './entities/index.js';

/**
 * The DataSources whose `@EmitsWebhook` entities are captured: the module's own first (it also holds endpoints,
 * deliveries and the log), then those of `captureDataSources`, each with an outbox of its own that the relay
 * forwards to the first.
 */
export interface CapturedDataSources {
  main: DataSource;
  /** `main` and the others, in that order. */
  all: readonly DataSource[];
  /** The others only. */
  forwarded: readonly DataSource[];
  /** The name each has in `TypeOrmModule` (`default` for the unnamed one); TypeORM itself no longer keeps one. */
  names: ReadonlyMap<DataSource, string>;
}

/** Builds the set from the DataSources Nest injected, in the order of their names. */
export function capturedDataSources(names: readonly string[], dataSources: readonly DataSource[]): CapturedDataSources {
  const [main, ...forwarded] = dataSources;
  for (const [index, dataSource] of forwarded.entries()) requireOutboxEntities(dataSource, names[index + 1]!);
  return {
    main: main!,
    all: dataSources,
    forwarded,
    names: new Map(dataSources.map((dataSource, index) => [dataSource, names[index]!])),
  };
}

/** Refuses, at startup, a DataSource without the outbox tables, naming it. */
export function requireOutboxEntities(dataSource: DataSource, name: string): DataSource {
  if (!dataSource.hasMetadata(WebhookEventEntity)) {
    throw new WebhookConfigurationError(
      `WebhookModule: the outbox entities are not in the DataSource "${name}". Add webhookOutboxEntities ` +
        'to its entities, or set autoLoadEntities: true in its TypeOrmModule.forRoot().',
    );
  }
  return dataSource;
}

/**
 * The names of the captured DataSources, the module's own first (`default` is the unnamed one), checked when the
 * module is defined.
 */
export function captureDataSourceNames(main: string | undefined, others: readonly string[] | undefined): string[] {
  const seen = new Set([main ?? 'default']);
  for (const name of others ?? []) {
    if (typeof name !== 'string' || name.length === 0)
      throw new WebhookConfigurationError('WebhookModule: captureDataSources must list DataSource names.');
    if (seen.has(name)) {
      throw new WebhookConfigurationError(
        `WebhookModule: captureDataSources names "${name}" twice, or names the module's own DataSource.`,
      );
    }
    seen.add(name);
  }
  return [...seen];
}

/**
 * The key that keeps one row's ordered events in sequence. A row of another captured DataSource is told apart by
 * that DataSource's name: the same entity may live in two databases with the same ids (shards), and their sequences
 * are counted separately.
 */
export function orderingKeyOf(
  sources: CapturedDataSources,
  connection: DataSource,
  entityName: string,
  sourceId: string,
): string {
  const origin = connection === sources.main ? '' : `${sources.names.get(connection) ?? 'other'}/`;
  return fittedKey(`${origin}${entityName}:${sourceId}`);
}
