import { type DataSource, MigrationExecutor, type QueryRunner } from 'typeorm';
import { applyPackageMigrations, packageMigrationStatus } from '../outbox/package-migrations.js';

export type { MigrationState } from '../outbox/package-migrations.js';

/** The package's migrations in order, each marked applied or pending (what the module's start checks too). */
export const migrationStatus = packageMigrationStatus;

/** Applies the pending migrations, each in its own transaction; returns their names. */
export const migrate = applyPackageMigrations;

/** Exposes TypeORM's own definition of the migrations table, so the preview creates exactly what `migrate` would. */
class MigrationsTablePreview extends MigrationExecutor {
  async statements(queryRunner: QueryRunner): Promise<string[]> {
    queryRunner.enableSqlMemory();
    try {
      await this.createMigrationsTableIfNotExist(queryRunner);
      return queryRunner.getMemorySql().upQueries.map((query) => query.query);
    } finally {
      queryRunner.disableSqlMemory();
    }
  }
}

/**
 * The SQL that brings the database to the package's current schema, for review or to run by hand, changing nothing:
 * the difference between the database's tables and the package's entities (which the shipped migrations produce
 * exactly; a test keeps them equal), then the rows recording the pending migrations as applied, so a later
 * `migrate` finds nothing to do. Empty when nothing is pending.
 */
export async function pendingSql(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  if (pending.length === 0) return [];
  const schema = await dataSource.driver.createSchemaBuilder().log();
  const queryRunner = dataSource.createQueryRunner();
  try {
    const bookkeepingTable = await new MigrationsTablePreview(dataSource, queryRunner).statements(queryRunner);
    const quoted = (name: string) => dataSource.driver.escape(name);
    const table = dataSource.driver.buildTableName(
      dataSource.options.migrationsTableName ?? 'migrations',
      undefined,
      undefined,
    );
    const records = pending.map((migration) => {
      // Our own class names: letters and digits only, so inlining them is safe.
      if (!/^[A-Za-z0-9_]+$/.test(migration.name))
        throw new Error(`Unexpected migration name ${JSON.stringify(migration.name)}.`);
      return `INSERT INTO ${quoted(table)} (${quoted('timestamp')}, ${quoted('name')}) VALUES (${migration.timestamp}, '${migration.name}')`;
    });
    return [...schema.upQueries.map((query) => query.query), ...bookkeepingTable, ...records].map(
      (statement) => `${statement.trim()};`,
    );
  } finally {
    await queryRunner.release();
  }
}
