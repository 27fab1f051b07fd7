import type { DataSource } from 'typeorm';
import { WebhookConfigurationError } from '../../errors/webhook-configuration.error.js';
import type { OutboxStore } from '../outbox-store.js';
import { dialectOf } from './sql-dialect.js';
import { MysqlOutboxStore } from './mysql-outbox.store.js';
import { PostgresOutboxStore } from './postgres-outbox.store.js';
import { SqliteOutboxStore } from './sqlite-outbox.store.js';

/** Picks the store for the DataSource's database. */
export function createOutboxStore(dataSource: DataSource): OutboxStore {
  switch (dialectOf(dataSource)) {
    case 'postgres':
      return new PostgresOutboxStore(dataSource);
    case 'mysql':
      return new MysqlOutboxStore(dataSource);
    case 'sqlite':
      return new SqliteOutboxStore(dataSource);
    default:
      throw new WebhookConfigurationError(
        `WebhookModule: the DataSource type "${dataSource.options.type}" is not supported; use postgres, mysql, ` +
          'mariadb or better-sqlite3 (for SQLite).',
      );
  }
}
