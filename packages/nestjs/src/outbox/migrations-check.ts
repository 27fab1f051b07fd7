import type { LoggerService } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { pendingMigrationsMessage, WebhookMigrationsPendingError } from '../errors/webhook-migrations-pending.error.js';
import type { WebhookMigrationsMode } from '../options/webhook-module.options.js';
import type { CapturedDataSources } from './outbox-data-sources.js';
import { applyPackageMigrations, packageMigrationStatus } from './package-migrations.js';

/**
 * Token of the check's provider. A provider's factory rather than a lifecycle hook: factories all finish before the
 * first hook runs, while the hooks run together (the endpoint registry's already reads the tables).
 */
export const OUTBOX_MIGRATIONS_CHECK = Symbol('OUTBOX_MIGRATIONS_CHECK');

/**
 * Makes sure the package's migrations are applied to every captured DataSource, as `mode` says: `'check'` throws
 * `WebhookMigrationsPendingError`, `'warn'` logs the same text, `'run'` applies them, `'skip'` looks at nothing.
 * A DataSource with `synchronize: true` got its tables from the entities when it initialized: nothing to check.
 */
export async function ensureOutboxMigrations(
  sources: CapturedDataSources,
  mode: WebhookMigrationsMode,
  logger: Pick<LoggerService, 'log' | 'warn'>,
): Promise<void> {
  if (mode === 'skip') return;
  for (const dataSource of sources.all) {
    if (dataSource.options.synchronize === true) continue;
    const name = sources.names.get(dataSource) ?? 'default';
    if (mode === 'run') {
      const applied = await applyPackageMigrations(dataSource);
      if (applied.length > 0) {
        logger.log(`Applied ${applied.length} migration(s) to the DataSource "${name}": ${applied.join(', ')}.`, {
          dataSource: name,
          applied,
        });
      }
      continue;
    }
    const pending = await pendingMigrations(dataSource);
    if (pending.length === 0) continue;
    if (mode === 'check') throw new WebhookMigrationsPendingError(name, pending);
    logger.warn(pendingMigrationsMessage(name, pending), { dataSource: name, pending });
  }
}

async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  return (await packageMigrationStatus(dataSource)).filter((state) => !state.applied).map((state) => state.name);
}
