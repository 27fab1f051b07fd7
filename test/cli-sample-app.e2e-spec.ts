import type { INestApplication } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSampleConfig } from '../sample-app/src/config/sample-config.js';
import { createShopApp } from '../sample-app/src/shop-app.factory.js';
import { newSecret, runTrigger, startListen, stopCliProcesses } from './support/cli-processes.js';
import { freePort } from './support/loopback.js';
import { createTestDatabase, type TestDatabase } from './support/test-databases.js';

const SHOP = fileURLToPath(new URL('./support/cli-shop-data-source.fixture.ts', import.meta.url));
const ADMIN_TOKEN = 'cli-sample-app-admin-token';
/** The ERP receiver's secret when ERP_WEBHOOK_SECRET is not set, as here. */
const ERP_SECRET = loadSampleConfig({}).erpSecret;
const WAIT_MS = 15_000;

let app: INestApplication | undefined;
let database: TestDatabase | undefined;

afterEach(async () => {
  stopCliProcesses();
  await app?.close();
  await database?.drop();
  app = database = undefined;
});

/** The sample app as `npm start` runs it, on a SQLite file of its own, with its relay running. */
async function startSampleApp(env: Record<string, string> = {}): Promise<string> {
  database = await createTestDatabase('sqlite');
  const port = await freePort();
  const file = (database.options as { database: string }).database;
  const config = loadSampleConfig({ PORT: String(port), DATABASE_URL: `sqlite:${file}`, ...env });
  app = await createShopApp(config, { logger: false });
  await app.listen(port, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

/** What the sample app's ERP kept, polled until `check` holds (its relay delivers on its own schedule). */
async function erpRecordsUntil(base: string, check: (records: Array<{ type: string }>) => boolean) {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const records = (await (await fetch(`${base}/erp/received`)).json()) as Array<{ type: string; webhookId: string }>;
    if (check(records) || Date.now() > until) return records;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `webhook-outbox trigger order.created` from the shop fixture's catalog, signed with `secret`, into the app's ERP. */
function triggerIntoErp(base: string, secret: string) {
  return runTrigger('order.created', '--data-source', SHOP, '--url', `${base}/erp/webhooks`, '--secret', secret);
}

describe('webhook-outbox listen and trigger with the sample app', { timeout: 60_000 }, () => {
  it('listen prints the order.created the sample app sends it, verified with the secret the app signs with', async () => {
    const secret = newSecret();
    const listener = await startListen('--secret', secret);
    const base = await startSampleApp({ WEBHOOK_TARGET_URL: listener.url, WEBHOOK_SECRET: secret });

    const placed = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: 'Ada', items: [{ sku: 'tea', qty: 1 }], total: 4 }),
    });

    expect(placed.status).toBe(201);
    expect(await listener.waitFor(/order\.created/)).toMatch(/ verified +→ 204/);
  });

  it("trigger sends the catalog's order.created into the sample app's ERP receiver, which verifies and keeps it", async () => {
    const base = await startSampleApp();

    const sent = await triggerIntoErp(base, ERP_SECRET);

    expect(sent.code).toBe(0);
    const webhookId = sent.out.match(/webhook-id: (msg_\w+)/)![1]!;
    const records = await erpRecordsUntil(base, (kept) => kept.length > 0);
    expect(records).toEqual([expect.objectContaining({ type: 'order.created', webhookId })]);
  });

  it('trigger refuses to reach the ERP with a wrong secret: 401, exit 1, nothing kept', async () => {
    const base = await startSampleApp();

    const sent = await triggerIntoErp(base, newSecret());

    expect(sent.code).toBe(1);
    expect(sent.out).toMatch(/Answered 401/);
    expect(await (await fetch(`${base}/erp/received`)).json()).toEqual([]);
  });

  it('trigger has the running sample app send a test event of a chosen type to its ERP endpoint through the admin API', async () => {
    const base = await startSampleApp({ ADMIN_TOKEN });

    const sent = await runTrigger(
      'order.created',
      '--admin-url',
      `${base}/admin/webhooks`,
      '--token',
      ADMIN_TOKEN,
      '--endpoint',
      'erp',
    );

    expect(sent.code).toBe(0);
    const webhookId = sent.out.match(/Answered 202 Accepted: .*"webhookId":"(msg_\w+)"/)![1]!;
    const records = await erpRecordsUntil(base, (kept) => kept.some((record) => record.type === 'order.created'));
    expect(records).toEqual([expect.objectContaining({ type: 'order.created', webhookId })]);
  });
});
