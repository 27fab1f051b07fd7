/**
 * A relay in a process of its own, for tests that kill it: `RELAY_WORKER` holds the database options and the
 * module options as JSON. Prints "ready" once the relay runs.
 */
import 'reflect-metadata';
import type { WebhookModuleOptions } from '@webhook-outbox/nestjs';
import type { TestDatabase } from './test-databases.js';
import { startWebhookTestApp } from './webhook-test-app.js';

const { database, options } = JSON.parse(process.env.RELAY_WORKER!) as {
  database: TestDatabase['options'];
  options: WebhookModuleOptions;
};
await startWebhookTestApp({ kind: 'sqlite', options: database, drop: async () => undefined } as TestDatabase, options, {
  keepTables: true,
});
process.stdout.write('ready\n');
