/**
 * B11 rate limits shared across processes: 4 relay processes on one database deliver to an endpoint limited to
 * 50/s and to an unlimited one; the limited endpoint's busiest wall-clock second against its limit, and the
 * unlimited endpoint's rate beside it.
 */
import { performance } from 'node:perf_hooks';
import { type RelayWorker, spawnRelayWorker } from '../test/support/relay-worker.js';
import { ShopOrder } from '../test/support/shop-order.entity.js';
import { WebhookReceiver } from '../test/support/webhook-receiver.js';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';

const RELAYS = 4;
const LIMIT = 50;

export async function rateLimit(context: BenchContext, events: number): Promise<Figure[]> {
  const receiver = await WebhookReceiver.start();
  const workers: RelayWorker[] = [];
  try {
    const endpoints = [
      { id: 'limited', url: `${receiver.url}/limited`, secret: context.secret, rateLimit: { perSecond: LIMIT } },
      { id: 'free', url: `${receiver.url}/free`, secret: context.secret },
    ];
    const producer = await benchApp(context, { endpoints, relay: { enabled: false } });
    const orders = producer.dataSource.getRepository(ShopOrder);
    for (let n = 0; n < events; n += 500)
      await orders.save(
        Array.from({ length: Math.min(500, events - n) }, (_, i) => ({ customer: `C${n + i}`, total: 1 })),
      );
    await producer.close();
    for (let n = 0; n < RELAYS; n++) workers.push(spawnRelayWorker(context.database, { endpoints }));
    await Promise.all(workers.map((worker) => worker.ready));
    await receiver.waitForRequests(2 * events, 10 * 60_000);

    const arrivals = (path: string) =>
      receiver.requests.flatMap((request, i) => (request.url === path ? [receiver.arrivedAt[i]!] : []));
    const perSecond = new Map<number, number>();
    for (const at of arrivals('/hooks/limited')) {
      const second = Math.floor((performance.timeOrigin + at) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    const busiest = Math.max(...perSecond.values());
    const free = arrivals('/hooks/free');
    const freeRate = free.length / ((Math.max(...free) - Math.min(...free)) / 1000);
    return [
      {
        id: 'B11',
        what: `busiest second of an endpoint limited to ${LIMIT}/s, ${RELAYS} relay processes, ${events} deliveries`,
        database: context.kind,
        value: busiest,
        unit: 'deliveries/s',
        baseline: { what: 'its limit', value: LIMIT },
        target: { text: '≤1.1×', met: busiest <= LIMIT * 1.1 },
      },
      {
        id: 'B11',
        what: `an unlimited endpoint beside it, same ${RELAYS} processes`,
        database: context.kind,
        value: freeRate,
        unit: 'deliveries/s',
      },
    ];
  } finally {
    for (const worker of workers) worker.process.kill('SIGTERM');
    await receiver.stop();
  }
}
