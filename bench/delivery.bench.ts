/**
 * Foundation-slice figures: what capture costs a save(), and how fast a committed change reaches a receiver.
 * A script that prints figures, not a test. Run: npm run bench (WEBHOOK_BENCH_DATABASES=sqlite,postgres,mariadb).
 */
import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { cpus } from 'node:os';
import { DataSource } from 'typeorm';
import { ShopOrder } from '../test/support/shop-order.entity.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../test/support/test-databases.js';
import { WebhookReceiver } from '../test/support/webhook-receiver.js';
import { startWebhookTestApp } from '../test/support/webhook-test-app.js';
import { percentile } from './support/percentile.js';

const SAVES = Number(process.env.BENCH_SAVES ?? 1000);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 300);
const BURST = Number(process.env.BENCH_BURST ?? 2000);
const kinds = (process.env.WEBHOOK_BENCH_DATABASES ?? 'sqlite,postgres').split(',') as DatabaseKind[];

async function savesPerSecond(dataSource: DataSource): Promise<number> {
  const orders = dataSource.getRepository(ShopOrder);
  for (let i = 0; i < 50; i++) await orders.save({ customer: 'warm-up', total: i });
  const started = performance.now();
  for (let i = 0; i < SAVES; i++) await orders.save({ customer: `customer ${i}`, total: i });
  return SAVES / ((performance.now() - started) / 1000);
}

/** save() per second on the bare entity, without the webhook module: the baseline. */
async function baseline(database: TestDatabase): Promise<number> {
  const moduleRef = await Test.createTestingModule({
    imports: [TypeOrmModule.forRoot({ ...database.options, entities: [ShopOrder], synchronize: true, retryAttempts: 0 })],
  }).compile();
  const app = await moduleRef.createNestApplication({ logger: false }).init();
  try {
    return await savesPerSecond(app.get(DataSource));
  } finally {
    await app.close();
  }
}

async function measure(kind: DatabaseKind): Promise<string[]> {
  const database = await createTestDatabase(kind);
  const receiver = await WebhookReceiver.start();
  try {
    const without = await baseline(database);
    const secret = generateWebhookSecret();

    // Capture cost: the relay is off so only the capture path is measured.
    let app = await startWebhookTestApp(database, { endpoints: [{ url: receiver.url, secret }], relay: { enabled: false } });
    const withModule = await savesPerSecond(app.dataSource);
    await app.close();

    // Latency: one save at a time, from calling save() to the receiver having the request.
    app = await startWebhookTestApp(database, { endpoints: [{ url: receiver.url, secret }], relay: { pollInterval: 1000 } });
    const orders = app.dataSource.getRepository(ShopOrder);
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const arrived = receiver.nextRequest();
      const started = performance.now();
      await orders.save({ customer: `latency ${i}`, total: i });
      await arrived;
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);

    // Throughput: BURST saves back to back while the relay delivers, until the last one is received.
    const before = receiver.requests.length;
    const burstStarted = performance.now();
    for (let i = 0; i < BURST; i++) await orders.save({ customer: `burst ${i}`, total: i });
    await receiver.waitForRequests(before + BURST, 120_000);
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    await app.close();

    return [
      `${kind}: save()/s without the module ${without.toFixed(0)}, with it ${withModule.toFixed(0)} (${(withModule / without).toFixed(2)}x)`,
      `${kind}: save() → received, ${LATENCY_SAMPLES} sequential: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      `${kind}: ${BURST} saves back to back, all delivered in ${burstSeconds.toFixed(2)} s (${(BURST / burstSeconds).toFixed(0)} events/s end to end)`,
    ];
  } finally {
    await receiver.stop();
    await database.drop();
  }
}

const lines = [`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${SAVES} saves per capture figure`];
for (const kind of kinds) lines.push(...(await measure(kind)));
console.log(lines.join('\n'));
