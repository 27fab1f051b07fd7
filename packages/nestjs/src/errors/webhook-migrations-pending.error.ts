import { WebhookConfigurationError } from './webhook-configuration.error.js';

/**
 * A `WebhookConfigurationError` thrown at startup (with the module's default `migrations: 'check'`) when the package's migrations are not all
 * applied to a DataSource the module writes to: without them every `save()` of an `@EmitsWebhook` entity would fail
 * with a missing table or column. The message lists the pending migrations and how to apply them.
 */
export class WebhookMigrationsPendingError extends WebhookConfigurationError {
  constructor(
    /** The DataSource's name in `TypeOrmModule` (`default` for the unnamed one). */
    readonly dataSource: string,
    /** The pending migrations' names, in the order they apply. */
    readonly pending: readonly string[],
  ) {
    super(pendingMigrationsMessage(dataSource, pending));
    // The base class types its name as its own literal, so a subclass cannot declare another one.
    Object.defineProperty(this, 'name', { value: 'WebhookMigrationsPendingError' });
  }
}

/** What is pending and the ways to apply it: the error's message, and the warning of `migrations: 'warn'`. */
export function pendingMigrationsMessage(dataSource: string, pending: readonly string[]): string {
  const count = pending.length === 1 ? '1 migration' : `${pending.length} migrations`;
  return (
    `WebhookModule: ${count} of @webhook-outbox/nestjs not applied to the DataSource "${dataSource}": ` +
    `${pending.join(', ')}. Apply them before the app starts: npx webhook-outbox migrate --data-source <your ` +
    'DataSource file> (or --url <database URL>). Or set migrations in WebhookModule.forRoot(): ' +
    "'run' applies them at start (development), 'warn' starts anyway, 'skip' if you manage the schema yourself."
  );
}
