import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShopOrder } from '../support/shop-order.entity.js';
import type { TestDatabase } from '../support/test-databases.js';
import { ThrowawayPostgres } from '../support/throwaway-postgres.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { startWebhookTestApp, type WebhookTestApp } from '../support/webhook-test-app.js';

const secret = generateWebhookSecret();
/** Long enough for any backoff to have grown well past the promise (it was 2, 4, 8, 16 s). */
const OUTAGE = 8_000;

/** Saves an order through `app`, retrying while its pool finds its connections cut; the moment it committed. */
async function commitOrder(app: WebhookTestApp, customer: string): Promise<number> {
  for (;;) {
    try {
      await app.dataSource.getRepository(ShopOrder).save({ customer, total: 1 });
      return performance.now();
    } catch {
      await delay(20);
    }
  }
}

describe("a PostgreSQL restart (a cluster of the test's own)", () => {
  let cluster: ThrowawayPostgres;
  let receiver: WebhookReceiver;
  const apps: WebhookTestApp[] = [];

  beforeAll(async () => {
    cluster = await ThrowawayPostgres.create();
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await receiver?.stop();
    await cluster?.destroy();
  });

  it("resumes delivery within 2 s of the database's return, for an event another instance committed", async () => {
    const database = { kind: 'postgres', options: cluster.options, drop: async () => undefined } as TestDatabase;
    // The relaying instance makes no commits of its own: only the database (NOTIFY, or its polling) can wake it.
    const relaying = await startWebhookTestApp(database, { endpoints: [{ id: 'erp', url: receiver.url, secret }] });
    apps.push(relaying);
    const producing = await startWebhookTestApp(
      database,
      { endpoints: [{ id: 'erp', url: receiver.url, secret }], relay: { enabled: false } },
      { keepTables: true },
    );
    apps.push(producing);
    await commitOrder(producing, 'before');
    await receiver.waitForRequests(1);

    await cluster.stop();
    await delay(OUTAGE);
    await cluster.start();
    const back = performance.now();
    const committed = await commitOrder(producing, 'after');
    await receiver.waitForRequests(2, 30_000);
    const resumed = receiver.arrivedAt[1]! - committed;
    console.log(
      `database restart after ${OUTAGE} ms down: the first commit ${Math.round(committed - back)} ms after the database was back, ` +
        `delivered ${Math.round(resumed)} ms after that commit`,
    );
    expect(resumed).toBeLessThan(2_000);
  });
});
