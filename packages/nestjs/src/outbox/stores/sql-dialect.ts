import type { DataSource } from 'typeorm';

export type OutboxDialect = 'postgres' | 'mysql' | 'sqlite';

/** The dialect family of a DataSource the package supports, or `undefined` for any other. */
export function dialectOf(dataSource: DataSource): OutboxDialect | undefined {
  switch (dataSource.options.type) {
    case 'postgres':
      return 'postgres';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    case 'better-sqlite3':
      return 'sqlite';
    default:
      return undefined;
  }
}

/**
 * `INSERT ... <values>` that inserts nothing, without an error, when the key already exists. On PostgreSQL and
 * InnoDB a concurrent insert of the same key waits for the other transaction and then inserts nothing (if it
 * committed) or the row (if it rolled back), which is what makes "first one wins" safe across app instances.
 */
export function insertIfAbsent(dialect: OutboxDialect, intoValues: string): string {
  switch (dialect) {
    case 'postgres':
      return `INSERT INTO ${intoValues} ON CONFLICT DO NOTHING`;
    case 'mysql':
      return `INSERT IGNORE INTO ${intoValues}`;
    case 'sqlite':
      return `INSERT OR IGNORE INTO ${intoValues}`;
  }
}
