import type { WebhookModuleOptions } from '@webhook-outbox/nestjs';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { eventsNotMatchingTheirSchemas } from './event-schema.check.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './test-databases.js';
import { WebhookReceiver } from './webhook-receiver.js';
import { startWebhookTestApp, type WebhookTestApp, type WebhookTestAppSettings } from './webhook-test-app.js';

/** A database for the enclosing `describe`, and per test a receiver and an application, all cleaned up. */
export interface WebhookTestContext {
  readonly database: TestDatabase;
  readonly receiver: WebhookReceiver;
  /** Starts a receiver and an application whose options may point at the receiver's URL. */
  start(
    options: (receiverUrl: string) => WebhookModuleOptions,
    settings?: WebhookTestAppSettings,
  ): Promise<WebhookTestApp>;
  /**
   * Another instance in the same test: an application on the same database (its tables kept) whose options may point
   * at the same receiver. Closed after the test, before the first.
   */
  startAnother(
    options: (receiverUrl: string) => WebhookModuleOptions,
    settings?: Omit<WebhookTestAppSettings, 'keepTables'>,
  ): Promise<WebhookTestApp>;
  /** Closes the application now (it is otherwise closed after the test). */
  closeApp(): Promise<void>;
}

/** Registers the hooks; call inside a `describe`. */
export function useWebhookTestContext(kind: DatabaseKind): WebhookTestContext {
  let database: TestDatabase | undefined;
  let receiver: WebhookReceiver | undefined;
  let app: WebhookTestApp | undefined;
  const others: WebhookTestApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(async () => {
    // Every event a test wrote must match its type's schema in the catalog (issue 21: the catalog is checked by
    // every entity event of the suite, not by examples of our choosing).
    const mismatches = app ? await eventsNotMatchingTheirSchemas(app) : [];
    for (const other of others.splice(0)) await other.close();
    await app?.close();
    app = undefined;
    await receiver?.stop();
    receiver = undefined;
    if (mismatches.length > 0)
      throw new Error(`Events that do not match their type's JSON Schema:\n${mismatches.join('\n')}`);
  });
  afterAll(async () => {
    await database?.drop();
  });

  return {
    get database() {
      return database!;
    },
    get receiver() {
      return receiver!;
    },
    async start(options, settings) {
      receiver = await WebhookReceiver.start();
      app = await startWebhookTestApp(database!, options(receiver.url), settings);
      return app;
    },
    async startAnother(options, settings) {
      const another = await startWebhookTestApp(database!, options(receiver!.url), { ...settings, keepTables: true });
      others.push(another);
      return another;
    },
    async closeApp() {
      await app?.close();
      app = undefined;
    },
  };
}
