import { type DataSource, Migration, MigrationExecutor, type MigrationInterface } from 'typeorm';
import { webhookOutboxMigrations } from './migrations/index.js';

/** One of the package's migrations and whether the database has it. */
export interface MigrationState {
  name: string;
  applied: boolean;
}

/**
 * TypeORM's executor over exactly the package's migrations, whatever the DataSource lists: an application's
 * DataSource may list its own migrations beside ours (or none of ours), and neither must count. The bookkeeping
 * table is the DataSource's (`migrationsTableName`), as with `npx webhook-outbox migrate --data-source`.
 */
class PackageMigrationExecutor extends MigrationExecutor {
  protected override getMigrations(): Migration[] {
    return webhookOutboxMigrations
      .map((Type): MigrationInterface => new Type())
      .map((instance) => {
        const name = instance.name ?? instance.constructor.name;
        return new Migration(undefined, Number.parseInt(name.slice(-13), 10), name, instance);
      });
  }

  /** The package's migrations in order. */
  all(): Migration[] {
    return this.getMigrations();
  }
}

/** The package's migrations in order, each marked applied or pending in `dataSource`'s database. */
export async function packageMigrationStatus(dataSource: DataSource): Promise<MigrationState[]> {
  const executor = new PackageMigrationExecutor(dataSource);
  const pending = new Set((await executor.getPendingMigrations()).map((migration) => migration.name));
  return executor.all().map(({ name }) => ({ name, applied: !pending.has(name) }));
}

/** Applies the package's pending migrations to `dataSource`'s database, each in its own transaction; returns their names. */
export async function applyPackageMigrations(dataSource: DataSource): Promise<string[]> {
  const executor = new PackageMigrationExecutor(dataSource);
  executor.transaction = 'each';
  const applied = await executor.executePendingMigrations();
  return applied.map((migration) => migration.name);
}
