import type { WebhookModuleOptions } from '@webhook-outbox/nestjs';
import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import type { DatabaseKind, TestDatabase } from '../../test/support/test-databases.js';
import {
  startWebhookTestApp,
  type WebhookTestApp,
  type WebhookTestAppSettings,
} from '../../test/support/webhook-test-app.js';

/** One database of one kind for a benchmark, and a signing secret. */
export interface BenchContext {
  kind: DatabaseKind;
  database: TestDatabase;
  secret: string;
}

export function benchContext(kind: DatabaseKind, database: TestDatabase): BenchContext {
  return { kind, database, secret: generateWebhookSecret() };
}

/**
 * The application the tests use (TypeORM, the module, the test entities), quiet; its tables made by the module's
 * migrations, as in production.
 */
export function benchApp(
  context: BenchContext,
  options: WebhookModuleOptions,
  settings: WebhookTestAppSettings = {},
): Promise<WebhookTestApp> {
  return startWebhookTestApp(context.database, options, { migrations: true, ...settings });
}
