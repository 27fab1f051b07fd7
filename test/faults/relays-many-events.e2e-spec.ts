import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ShopOrder } from '../support/shop-order.entity.js';
import { DATABASE_KINDS } from '../support/test-databases.js';
import { useWebhookTestContext } from '../support/webhook-test-context.js';
import { type RelayWorker, spawnRelayWorker } from '../support/relay-worker.js';

const secret = generateWebhookSecret();
const RELAYS = 3;
const EVENTS = 2_000;
const ENDPOINTS = ['a', 'b'];

describe.each(DATABASE_KINDS)(`${RELAYS} relay processes sharing one outbox on %s, no faults`, (kind) => {
  const context = useWebhookTestContext(kind);
  const workers: RelayWorker[] = [];

  afterEach(async () => {
    for (const worker of workers.splice(0)) worker.process.kill('SIGTERM');
  });

  it(`deliver ${EVENTS} events to ${ENDPOINTS.length} endpoints: none lost, none twice`, async () => {
    const endpoints = (url: string) => ENDPOINTS.map((id) => ({ id, url: `${url}?endpoint=${id}`, secret }));
    const producer = await context.start((url) => ({ endpoints: endpoints(url), relay: { enabled: false } }));
    const orders = producer.dataSource.getRepository(ShopOrder);
    for (let n = 0; n < EVENTS; n += 500)
      await orders.save(Array.from({ length: 500 }, (_, i) => ({ customer: `C${n + i}`, total: n + i })));

    const started = performance.now();
    for (let n = 0; n < RELAYS; n++)
      workers.push(spawnRelayWorker(context.database, { endpoints: endpoints(context.receiver.url) }));
    await Promise.all(workers.map((worker) => worker.ready));
    const expected = EVENTS * ENDPOINTS.length;
    await context.receiver.waitForRequests(expected, 90_000);
    const seconds = (performance.now() - started) / 1000;
    await delay(1_000); // anything sent twice would arrive now

    const seen = new Map<string, number>();
    for (const request of context.receiver.requests) {
      const key = `${request.url} ${request.headers['webhook-id']}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const twice = [...seen.values()].filter((count) => count > 1).length;
    console.log(
      `${RELAYS} relays on ${kind}: ${expected} deliveries in ${seconds.toFixed(1)} s (with start-up), ${expected - seen.size} lost, ${twice} twice`,
    );
    expect(seen.size).toBe(expected);
    expect(twice).toBe(0);
    expect(context.receiver.requests).toHaveLength(expected);
  });
});
