import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthCheckModule } from '../support/health-check.module.js';
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

  it('turns the health indicator down while the database is stopped, and up again once it is back', async () => {
    const database = { kind: 'postgres', options: cluster.options, drop: async () => undefined } as TestDatabase;
    const app = await startWebhookTestApp(
      database,
      { endpoints: [{ id: 'erp', url: receiver.url, secret }] },
      { keepTables: true, imports: [HealthCheckModule], listen: true },
    );
    apps.push(app);
    const health = async () => {
      const response = await fetch(`${app.url}/health`);
      return { status: response.status, body: (await response.json()) as { details: Record<string, any> } };
    };
    expect((await health()).status).toBe(200);

    await cluster.stop();
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body.details.webhooks).toMatchObject({ status: 'down', database: 'down', relay: 'running' });

    await cluster.start();
    const back = performance.now();
    let up = await health();
    while (up.status !== 200 && performance.now() - back < 15_000) {
      await delay(100);
      up = await health();
    }
    const upAfter = Math.round(performance.now() - back);
    expect(up.status).toBe(200);
    expect(up.body.details.webhooks).toMatchObject({ status: 'up', database: 'up' });
    // The LISTEN connection comes back on its own schedule (reconnect backoff up to 1 s); the status does not wait.
    while (up.body.details.webhooks.listener !== 'connected' && performance.now() - back < 15_000) {
      await delay(100);
      up = await health();
    }
    console.log(
      `health up again ${upAfter} ms after the database was back, the listener ${Math.round(performance.now() - back)} ms after`,
    );
    expect(up.body.details.webhooks.listener).toBe('connected');
  });
});
