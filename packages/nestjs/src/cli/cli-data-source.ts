import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataSource, type DataSourceOptions, InstanceChecker } from 'typeorm';
import { webhookOutboxEntities } from '../outbox/entities/index.js';
import { webhookOutboxMigrations } from '../outbox/migrations/index.js';

/** Where the CLI finds the database. */
export interface CliConnection {
  /** `postgres://…`, `mysql://…`, `mariadb://…` or `sqlite:<file>`. */
  url?: string;
  /** A module exporting the application's DataSource (default export, or `dataSource`): its connection is used. */
  dataSourceFile?: string;
  /** The table recording applied migrations. Default: the DataSource's `migrationsTableName`, else `migrations`. */
  migrationsTable?: string;
}

/** A usage problem the CLI reports without a stack trace. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Connection options from a URL, for the drivers the package supports. */
function optionsFromUrl(url: string): DataSourceOptions {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new CliUsageError('A sqlite: URL names the database file, e.g. sqlite:./data/app.sqlite.');
    return { type: 'better-sqlite3', database: isAbsolute(file) ? file : resolve(file) };
  }
  const scheme = url.slice(0, Math.max(0, url.indexOf(':')));
  if (scheme === 'postgres' || scheme === 'postgresql') return { type: 'postgres', url };
  if (scheme === 'mysql') return { type: 'mysql', url };
  if (scheme === 'mariadb') return { type: 'mariadb', url: `mysql:${url.slice('mariadb:'.length)}` };
  throw new CliUsageError(
    `The database URL must start with postgres://, mysql://, mariadb:// or sqlite:; got "${scheme || url}".`,
  );
}

/** The DataSource options a module exports (default export, or `dataSource`). */
export async function optionsFromFile(file: string): Promise<DataSourceOptions> {
  const loaded = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  // A CommonJS file compiled from `export default` puts the DataSource on `exports.default`, which import() hands
  // back as `default.default`. InstanceChecker, not instanceof: the file may load another copy of TypeORM.
  const commonJsDefault = (loaded.default as Record<string, unknown> | undefined)?.default;
  const candidate = [loaded.default, commonJsDefault, loaded.dataSource, ...Object.values(loaded)].find((value) =>
    InstanceChecker.isDataSource(value),
  );
  if (!candidate)
    throw new CliUsageError(`${file} exports no TypeORM DataSource (export it as default or as "dataSource").`);
  return (candidate as DataSource).options;
}

/**
 * A DataSource on the user's database that knows only this package's entities and migrations, so `migrate` never
 * runs the application's own migrations and `sql` never diffs the application's tables.
 */
export async function cliDataSource(connection: CliConnection): Promise<DataSource> {
  const base = connection.dataSourceFile
    ? await optionsFromFile(connection.dataSourceFile)
    : connection.url
      ? optionsFromUrl(connection.url)
      : undefined;
  if (!base) {
    throw new CliUsageError(
      'Say which database: --url <postgres://…|mysql://…|mariadb://…|sqlite:file>, WEBHOOK_OUTBOX_DATABASE_URL, DATABASE_URL, or --data-source <file>.',
    );
  }
  return new DataSource({
    ...base,
    entities: webhookOutboxEntities,
    migrations: webhookOutboxMigrations,
    subscribers: [],
    synchronize: false,
    migrationsRun: false,
    logging: false,
    ...(connection.migrationsTable !== undefined && { migrationsTableName: connection.migrationsTable }),
  } as DataSourceOptions);
}
