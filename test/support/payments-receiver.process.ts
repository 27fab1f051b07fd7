/**
 * The payments receiver in a process of its own: a second app instance on the same database, as behind a load
 * balancer. `PAYMENTS_RECEIVER` holds the database options and the receivers as JSON. Prints "ready <base URL>".
 */
import 'reflect-metadata';
import type { WebhookReceiverOptions } from '@webhook-outbox/nestjs';
import { LedgerEntry, PaymentsController } from './payments-receiver.js';
import { startReceiverApp } from './receiver-test-app.js';
import type { TestDatabase } from './test-databases.js';

const { database, receivers } = JSON.parse(process.env.PAYMENTS_RECEIVER!) as {
  database: TestDatabase['options'];
  receivers: Record<string, WebhookReceiverOptions>;
};
const app = await startReceiverApp({ options: database } as TestDatabase, {
  controllers: [PaymentsController],
  entities: [LedgerEntry],
  receivers,
});
process.stdout.write(`ready ${app.base}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
